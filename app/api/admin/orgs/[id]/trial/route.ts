import { extendTrial, extendTrialSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** POST { days (1–180), reason } — extend a running trial. */
export const POST = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, extendTrialSchema);
  return Response.json(await extendTrial(db, params.id, body, userActor(user)));
});
