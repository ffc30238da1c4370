import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { createEndpoint, createEndpointSchema, listEndpoints } from "@/lib/outbound-webhooks";

export const dynamic = "force-dynamic";

/** The platform's endpoints (never their secrets). */
export const GET = withPlatformAdmin(async (_req, { db }) =>
  Response.json({
    endpoints: (await listEndpoints(db)).map((e) => ({ ...e, enabled: e.disabledAt === null })),
  }),
);

/** POST { url, description?, events: ["*"] | [type…], reason } → 201 { endpoint, secret } (the only time the secret is shown). */
export const POST = withPlatformAdmin(async (req, { db, user }) => {
  const body = await readJson(req, createEndpointSchema);
  return Response.json(await createEndpoint(db, body, userActor(user)), { status: 201 });
});
