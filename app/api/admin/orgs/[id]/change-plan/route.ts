import { adminChangePlan, adminChangePlanSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { getStripe } from "@/lib/stripe/client";

/**
 * POST { planId: "free" | "pro", cycle: "monthly" | "annual", reason } — through the billing
 * service, so Stripe follows. Refusals (no card, current use doesn't fit) answer 422.
 */
export const POST = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, adminChangePlanSchema);
  return Response.json(await adminChangePlan(db, getStripe(), params.id, body, userActor(user)));
});
