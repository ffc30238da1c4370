import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { createEndpoint, createEndpointSchema, endpointJson, listEndpoints } from "@/lib/outbound-webhooks";

export const dynamic = "force-dynamic";

/** The platform's endpoints, deleted ones included (`status`); never their secrets. */
export const GET = withPlatformAdmin(async (_req, { db }) =>
  Response.json({ endpoints: (await listEndpoints(db)).map((e) => endpointJson(e)) }),
);

/** POST { url, description?, events: ["*"] | [type…], reason } → 201 { endpoint, secret } (the only time the secret is shown). */
export const POST = withPlatformAdmin(async (req, { db, user }) => {
  const body = await readJson(req, createEndpointSchema);
  const { endpoint, secret } = await createEndpoint(db, body, userActor(user));
  return Response.json({ endpoint: endpointJson(endpoint), secret }, { status: 201 });
});
