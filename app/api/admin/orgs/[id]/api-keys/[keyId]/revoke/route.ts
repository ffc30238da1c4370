import { z } from "zod";
import { reasonSchema, revokeOrganizationApiKey } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** POST { reason } — revoke one of the organization's API keys. */
export const POST = withPlatformAdmin<{ id: string; keyId: string }>(async (req, { db, params, user }) => {
  const { reason } = await readJson(req, z.object({ reason: reasonSchema }));
  await revokeOrganizationApiKey(db, params.id, { apiKeyId: params.keyId, reason }, userActor(user));
  return Response.json({ revoked: true });
});
