import { readQuery, withApiKey } from "@/lib/http/route";
import { utcDay } from "@/lib/plans";
import { getDailySeries, usageQuerySchema, getUsageOverview } from "@/lib/usage";
import { AppError } from "@/lib/errors";
import { json } from "@/lib/http/json";

/**
 * GET /api/v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD — the key's organization: usage this period per
 * metric against the limit in force, and one point per UTC day in the range (default: this period).
 */
export const GET = withApiKey(async (req, { db, caller }) => {
  const query = readQuery(req, usageQuerySchema);
  const now = new Date();
  const overview = await getUsageOverview(db, caller.organization.id, now);
  const from = query.from ?? utcDay(overview.usagePeriod.start);
  const to = query.to ?? utcDay(now);
  if (from > to) throw new AppError("bad_request", "from must not be after to.");
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000)
    throw new AppError("bad_request", "Ask for at most 366 days at a time.");
  const daily = await getDailySeries(db, caller.organization.id, { from, to });
  return json({
    organization: { slug: caller.organization.slug, name: caller.organization.name },
    plan: { id: overview.plan.id, name: overview.plan.name },
    period: { start: overview.usagePeriod.start.toISOString(), end: overview.usagePeriod.end.toISOString() },
    metrics: overview.metrics,
    daily: { from, to, points: daily },
  });
});
