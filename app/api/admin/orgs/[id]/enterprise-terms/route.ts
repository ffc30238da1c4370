import { adminEnterpriseTermsSchema, adminSetEnterpriseTerms } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { getStripe } from "@/lib/stripe/client";

/**
 * POST (or PUT) { cycle: "monthly" | "annual", pricePerSeatCents, limits?: { maxUsers,
 * maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways (number | null) }, reason } —
 * puts the organization on Enterprise with these terms through the billing service (Stripe follows).
 */
const handler = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, adminEnterpriseTermsSchema);
  return Response.json(await adminSetEnterpriseTerms(db, getStripe(), params.id, body, userActor(user)));
});
export const POST = handler;
export const PUT = handler;
