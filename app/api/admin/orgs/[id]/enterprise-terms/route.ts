import { enterpriseTermsSchema, setEnterpriseTerms } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/**
 * PUT { maxUsers, maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways (number | null),
 * customPricePerSeatCents, reason } — custom-priced (Enterprise) plans only.
 */
export const PUT = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, enterpriseTermsSchema);
  return Response.json(await setEnterpriseTerms(db, params.id, body, userActor(user)));
});
