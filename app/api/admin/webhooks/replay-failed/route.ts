import { adminReplayFailed, replaySchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { getStripe } from "@/lib/stripe/client";

/** POST { reason } — replay every failed event (oldest first, 100 a run); answers { results }. */
export const POST = withPlatformAdmin(async (req, { db, user }) => {
  const body = await readJson(req, replaySchema);
  return Response.json({ results: await adminReplayFailed(db, getStripe(), body, userActor(user)) });
});
