import "server-only";
import { and, count, eq } from "drizzle-orm";
import { memberships, usageCounters } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { getPlanState, type PlanState } from "@/lib/plans/state";
import { limitForMetric, METRICS, percentUsed, type Metric } from "@/lib/plans/limits";

export type MetricUsage = {
  metric: Metric;
  /** Executions: the period's sum. Gauges: the current value. Users: members now. */
  used: number;
  /** Gauges: the period's maximum (what the period is billed on). */
  peak: number;
  /** In the metric's unit (bytes for storage); null = unlimited. */
  limit: number | null;
  percent: number | null;
};

export type UsageOverview = PlanState & { metrics: MetricUsage[] };

/** Current usage against the limits in force: one read of the counters plus the member count. */
export async function getUsageOverview(db: Queryable, organizationId: string, now = new Date()): Promise<UsageOverview> {
  const state = await getPlanState(db, organizationId, now);
  const [counterRows, [members]] = await Promise.all([
    db
      .select({ metric: usageCounters.metric, value: usageCounters.value, current: usageCounters.current })
      .from(usageCounters)
      .where(and(eq(usageCounters.organizationId, organizationId), eq(usageCounters.periodStart, state.usagePeriod.start))),
    db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId)),
  ]);
  const byMetric = new Map(counterRows.map((r) => [r.metric as string, r]));
  const metrics = METRICS.map((metric): MetricUsage => {
    const limit = limitForMetric(state.limits, metric);
    if (metric === "users") {
      const used = Number(members?.n ?? 0);
      return { metric, used, peak: used, limit, percent: percentUsed(used, limit) };
    }
    const row = byMetric.get(metric);
    const used = metric === "executions" ? (row?.value ?? 0) : (row?.current ?? 0);
    const peak = row?.value ?? 0;
    return { metric, used, peak, limit, percent: percentUsed(used, limit) };
  });
  return { ...state, metrics };
}
