import { adminResync, adminResyncSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { getStripe } from "@/lib/stripe/client";

/** POST { reason } — make our rows equal Stripe's for this organization; answers the report. */
export const POST = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, adminResyncSchema);
  return Response.json(await adminResync(db, getStripe(), params.id, body, userActor(user)));
});
