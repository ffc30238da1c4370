import "server-only";
import { sql } from "drizzle-orm";
import type { Plan, Subscription } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { limitForMetric, METRICS, percentUsed } from "@/lib/plans";
import { resolvePlanState } from "@/lib/plans/server";
import { usedFrom } from "@/lib/usage";

/**
 * "At or over a limit" for the few organizations of a page, computed the way the customer's
 * dashboard computes it (lib/usage/summary.ts getUsageOverview): its own pure functions on the
 * same rows (the subscription with its plan, the member count, each metric's latest counter row
 * at or before now), read for the whole page at once. The whole-table filter has an SQL twin
 * (org-limits-sql.ts); the tests hold both to the dashboard.
 */

type Counter = { periodStart: Date; value: number; current: number | null };
type CounterRow = {
  organization_id: string;
  metric: string;
  ps: number | string;
  value: number | string;
  current: number | string | null;
};

/** Each organization's latest counter row per metric at or before now, keyed `orgId:metric`. */
export async function latestCountersOf(db: Queryable, ids: string[], now: Date): Promise<Map<string, Counter>> {
  const out = new Map<string, Counter>();
  if (ids.length === 0) return out;
  const result = await db.execute(sql`
    select distinct on (organization_id, metric) organization_id, metric::text as metric,
      (extract(epoch from period_start) * 1000)::bigint as ps, value, current
    from usage_counters
    where organization_id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}) and period_start <= ${now.toISOString()}::timestamptz
    order by organization_id, metric, period_start desc`);
  for (const r of rowsOf<CounterRow>(result)) {
    out.set(`${r.organization_id}:${r.metric}`, {
      periodStart: new Date(Number(r.ps)),
      value: Number(r.value),
      current: r.current === null ? null : Number(r.current),
    });
  }
  return out;
}

/** Pure: is the organization at or over any limit (percentUsed ≥ 100 on the dashboard)? */
export function limitReached(
  org: { id: string; subscription: Subscription | null; plan: Plan | null; members: number },
  counters: Map<string, Counter>,
  free: Plan,
  now: Date,
): boolean {
  const row = org.subscription && org.plan ? { subscription: org.subscription, plan: org.plan } : null;
  const state = resolvePlanState(row, free, now, env().dunningGraceDays);
  return METRICS.some((metric) => {
    const used = usedFrom(metric, state, counters.get(`${org.id}:${metric}`) ?? null, org.members);
    const percent = percentUsed(used, limitForMetric(state.limits, metric));
    return percent !== null && percent >= 100;
  });
}
