import "server-only";
import { count, eq, sql } from "drizzle-orm";
import { memberships } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { rowsOf } from "@/db/types";
import type { PlanState } from "@/lib/plans/state";
import { limitForMetric, METRICS, percentUsed, type Metric } from "@/lib/plans/limits";
import { heldSql } from "./reservations";
import { loadPlanContext } from "./plan-context";

export type MetricUsage = {
  metric: Metric;
  /** Executions: the period's sum. Gauges: the current value. Users: members now. */
  used: number;
  /** Gauges: the period's maximum (what the period is billed on). */
  peak: number;
  /** In the metric's unit (bytes for storage); null = unlimited. */
  limit: number | null;
  percent: number | null;
  /** What is left before the limit; null = unlimited. */
  remaining: number | null;
  /** Executions held by active reservations of agent runs (0 for other metrics): not yet used, but counted by limit checks. */
  reserved: number;
};

export type UsageOverview = PlanState & { metrics: MetricUsage[] };

type CounterRow = { metric: string; ps: number | string; value: number | string; current: number | string | null };

/**
 * The latest counter row per metric at or before `now`. A gauge with no report yet this period
 * still has the value carried in from its last report, so "current" comes from the latest row.
 */
export async function latestCounters(db: Queryable, organizationId: string, now: Date) {
  const result = await db.execute(sql`
    select distinct on (metric) metric::text as metric, (extract(epoch from period_start) * 1000)::bigint as ps, value, current
    from usage_counters
    where organization_id = ${organizationId}::uuid and period_start <= ${now.toISOString()}::timestamptz
    order by metric, period_start desc`);
  return new Map(
    rowsOf<CounterRow>(result).map((r) => [
      r.metric,
      {
        periodStart: new Date(Number(r.ps)),
        value: Number(r.value),
        current: r.current === null ? null : Number(r.current),
      },
    ]),
  );
}

/** Current usage against the limits in force: the plan context, the latest counters and the member count. */
export async function getUsageOverview(
  db: Queryable,
  organizationId: string,
  now = new Date(),
): Promise<UsageOverview> {
  const [state, counters, [members], held] = await Promise.all([
    loadPlanContext(db, organizationId, now),
    latestCounters(db, organizationId, now),
    db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId)),
    db.execute(sql`select ${heldSql(organizationId, now.toISOString())} as n`),
  ]);
  const reserved = Number(rowsOf<{ n: number | string }>(held)[0]?.n ?? 0);
  const periodStart = state.usagePeriod.start.getTime();
  const metrics = METRICS.map((metric): MetricUsage => {
    const limit = limitForMetric(state.limits, metric);
    const remaining = (used: number) => (limit === null ? null : Math.max(0, limit - used));
    if (metric === "users") {
      const used = Number(members?.n ?? 0);
      return {
        metric,
        used,
        peak: used,
        limit,
        percent: percentUsed(used, limit),
        remaining: remaining(used),
        reserved: 0,
      };
    }
    const row = counters.get(metric);
    const inPeriod = row !== undefined && row.periodStart.getTime() === periodStart;
    if (metric === "executions") {
      const used = inPeriod ? row.value : 0;
      return {
        metric,
        used,
        peak: used,
        limit,
        percent: percentUsed(used, limit),
        remaining: remaining(used + reserved),
        reserved,
      };
    }
    const used = row?.current ?? 0;
    const peak = inPeriod ? row.value : used;
    return { metric, used, peak, limit, percent: percentUsed(used, limit), remaining: remaining(used), reserved: 0 };
  });
  return { ...state, metrics };
}
