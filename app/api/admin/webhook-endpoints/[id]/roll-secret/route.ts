import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { uuidParam } from "@/lib/input";
import { endpointJson, rollEndpointSecret, rollSecretSchema } from "@/lib/outbound-webhooks";
import { z } from "zod";

export const dynamic = "force-dynamic";
type P = { id: string };

/**
 * POST { reason, graceSeconds? (default 86400), idempotencyKey? } → { endpoint, secret,
 * previousSecretExpiresAt, replayed }. The new secret is shown here only; the old one is also
 * signed with until previousSecretExpiresAt.
 */
export const POST = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, rollSecretSchema);
    const rolled = await rollEndpointSecret(db, params.id, body, userActor(user));
    return Response.json({ ...rolled, endpoint: endpointJson(rolled.endpoint) });
  },
  { params: z.object({ id: uuidParam("webhook endpoint") }) },
);
