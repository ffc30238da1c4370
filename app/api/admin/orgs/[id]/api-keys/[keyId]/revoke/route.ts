import { z } from "zod";
import { uuidParam } from "@/lib/input";
import { reasonSchema, revokeOrganizationApiKey } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** The path names an organization and one of its API keys: anything but a uuid is 404 (lib/input/ids.ts). */
const paramsSchema = z.object({ id: uuidParam("organization"), keyId: uuidParam("API key") });

/** POST { reason } — revoke one of the organization's API keys. */
export const POST = withPlatformAdmin<{ id: string; keyId: string }>(
  async (req, { db, params, user }) => {
    const { reason } = await readJson(req, z.object({ reason: reasonSchema }));
    await revokeOrganizationApiKey(db, params.id, { apiKeyId: params.keyId, reason }, userActor(user));
    return Response.json({ revoked: true });
  },
  { params: paramsSchema },
);
