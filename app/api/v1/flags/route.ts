import { flagsForOrg } from "@/lib/flags";
import { withApiKey } from "@/lib/http/route";
import { json } from "@/lib/http/json";

export const dynamic = "force-dynamic";

/**
 * The feature flags in force for the calling organization (its API key):
 * `{ organization, flags: { key: on/off }, details: [{ key, enabled, source }] }`.
 * Changes made in the console reach this answer within a few seconds.
 */
export const GET = withApiKey(async (_req, { caller }) => {
  const decisions = await flagsForOrg(caller.organization.id);
  return json(
    {
      organization: { id: caller.organization.id, slug: caller.organization.slug },
      flags: Object.fromEntries(decisions.map((d) => [d.key, d.enabled])),
      details: decisions,
    },
    { headers: { "cache-control": "private, no-store" } },
  );
});
