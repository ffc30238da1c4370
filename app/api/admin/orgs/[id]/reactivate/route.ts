import { reactivateOrganization, reactivateSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** POST { reason } */
export const POST = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, reactivateSchema);
  return Response.json(await reactivateOrganization(db, params.id, body, userActor(user)));
});
