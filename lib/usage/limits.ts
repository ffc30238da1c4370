import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import {
  evaluateLimit,
  limitForMetric,
  METRIC_LABEL,
  METRICS,
  type LimitDecision,
  type Metric,
} from "@/lib/plans/limits";
import { contextParams, loadPlanContextWith, type PlanContext } from "./plan-context";
import { heldSql } from "./reservations";

export const limitCheckSchema = z.object({
  metric: z.enum(METRICS, { error: `metric must be one of ${METRICS.join(", ")}.` }),
  amount: z
    .number({ error: "amount must be a whole number ≥ 0 (how much more the action would use; storage in bytes)." })
    .int("amount must be a whole number.")
    .min(0, "amount must not be negative.")
    .max(1e15, "amount is too large.")
    .default(1),
});
export type LimitCheckInput = z.input<typeof limitCheckSchema>;

/** `used`: recorded usage; `reserved`: held by active reservations (executions); both count against the limit. */
export type LimitCheck = LimitDecision & { metric: Metric; reserved: number; periodStart: Date; periodEnd: Date };

/**
 * What the check needs besides the plan, as one scalar subquery of the same statement: the
 * member count, or the latest counter row of the metric at or before now (its period start,
 * sum or maximum, and current value) as text "start_ms,value,current".
 */
function usageColumn(metric: Metric): SQL<string | null> {
  const { org, now } = contextParams;
  if (!METRICS.includes(metric)) throw new AppError("bad_request", `Unknown metric "${String(metric)}".`);
  if (metric === "users") {
    return sql<string | null>`(select count(*)::text from memberships m where m.organization_id = ${org})`;
  }
  const counter = sql`(select concat_ws(',', (extract(epoch from c.period_start) * 1000)::bigint, c.value, c.current)
    from usage_counters c
    where c.organization_id = ${org} and c.metric = ${sql.raw(`'${metric}'`)}::usage_metric and c.period_start <= ${now}::timestamptz
    order by c.period_start desc limit 1)`;
  if (metric !== "executions") return sql<string | null>`${counter}`;
  // Executions also count what active reservations hold: "counter|held".
  return sql<string | null>`concat(${counter}, '|', ${heldSql(org, now)})`;
}

function parseCounter(text: string | null): { periodStart: Date; value: number; current: number | null } | null {
  if (!text) return null;
  if (text.includes("|")) return parseCounter(text.slice(0, text.indexOf("|")) || null);
  const [ps, value, current] = text.split(",");
  return { periodStart: new Date(Number(ps)), value: Number(value), current: current ? Number(current) : null };
}

/**
 * What counts against a limit now: executions in this usage period; for gauges the current
 * value (the latest observation, which may have been reported in an earlier period); users the members.
 */
export function usedFrom(
  metric: Metric,
  ctx: Pick<PlanContext, "usagePeriod">,
  counter: { periodStart: Date; value: number; current: number | null } | null,
  members: number,
): number {
  if (metric === "users") return members;
  if (!counter) return 0;
  if (metric === "executions")
    return counter.periodStart.getTime() === ctx.usagePeriod.start.getTime() ? counter.value : 0;
  return counter.current ?? 0;
}

/**
 * May the organization use `amount` more of `metric`? One statement: the plan context (plan,
 * subscription, limits) with the metric's latest counter row (or the member count) beside it.
 * Unlimited always allows; a limit with an overage price allows and reports the overage.
 */
export async function checkLimit(
  db: Queryable,
  organizationId: string,
  metric: Metric,
  amount = 1,
  now = new Date(),
): Promise<LimitCheck> {
  const { ctx, extra } = await loadPlanContextWith(db, organizationId, now, `usage_${metric}`, () =>
    usageColumn(metric),
  );
  const counter = metric === "users" ? null : parseCounter(extra);
  const members = metric === "users" ? Number(extra ?? 0) : 0;
  const recorded = usedFrom(metric, ctx, counter, members);
  // Held by active reservations (executions): counted as used, and reported apart.
  const reserved = metric === "executions" && extra ? Number(extra.slice(extra.indexOf("|") + 1)) || 0 : 0;
  const decision = evaluateLimit({
    metric,
    limit: limitForMetric(ctx.limits, metric),
    used: recorded + reserved,
    amount,
    overagePriced: ctx.overage[metric] !== null,
    planName: ctx.degradedToFree ? "Free" : ctx.plan.name,
  });
  return {
    ...decision,
    used: recorded,
    reserved,
    metric,
    periodStart: ctx.usagePeriod.start,
    periodEnd: ctx.usagePeriod.end,
  };
}

/** Guard for in-product actions: throws AppError("limit_exceeded") naming the limit and offering the upgrade. */
export async function assertWithinLimit(
  db: Queryable,
  organizationId: string,
  metric: Metric,
  amount = 1,
  now = new Date(),
): Promise<LimitCheck> {
  const check = await checkLimit(db, organizationId, metric, amount, now);
  if (!check.allowed) {
    const upgrade = /upgrade/i.test(check.reason) ? "" : " Upgrade your plan to raise the limit.";
    throw new AppError("limit_exceeded", `${METRIC_LABEL[metric]}: ${check.reason}${upgrade}`, {
      metric,
      limit: check.limit,
      used: check.used,
      remaining: check.remaining,
    });
  }
  return check;
}
