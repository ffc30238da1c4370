import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { memberships, organizations, subscriptions, usageCounters, type LimitKey } from "@/db/schema";
import {
  FREE_PLAN_ID,
  BYTES_PER_GB,
  limitForMetric,
  METRIC_LIMIT_KEY,
  METRICS,
  type Limits,
  type Metric,
  calendarMonth,
} from "@/lib/plans";

/**
 * SQL twins of the customer dashboard's "limit reached" (lib/usage/summary.ts getUsageOverview:
 * the limits of lib/plans/state.ts effectiveLimits, percentUsed ≥ 100), for the organizations
 * list's filter, which looks at every organization at once (the rows of a page are computed by
 * the dashboard's own functions: limit-state.ts). Tests compare both with getUsageOverview
 * organization by organization.
 *
 * The filter reads, beside `organizations` and the left-joined `subscriptions`, two derived
 * tables hash-joined once: {@link usageNowSql}
 * (this period's counter rows, pivoted: one hash join, found through the
 * `usage_counters_period_end_idx` index so past periods are never read) and
 * {@link memberCountsSql}. The rare cases a pivot can't answer exactly (a gauge with no row this
 * period carries in its last report; two overlapping rows after a plan change) fall back to
 * the dashboard's own read: the latest row at or before now, one primary-key probe.
 */

export type LimitContext = { free: Limits; graceCutoff: Date; now: Date };

/** Aliases of the derived tables joined beside `organizations`. */
const USAGE = "org_usage";
const MEMBERS = "org_members";
const INGESTED = METRICS.filter((m): m is Exclude<Metric, "users"> => m !== "users");

type Part = "n" | "start" | "used";
/** A pivot column's name inside the derived table, and as the outer query sees it. */
const name = (metric: Metric, part: Part) => sql.raw(`${metric}_${part}`);
const col = (metric: Metric, part: Part) => sql.raw(`${USAGE}.${metric}_${part}`);
/** Metric names are our own constants: inlined, so the planner sees them. */
const literal = (metric: Metric) => sql.raw(`'${metric}'`);

/** True when Free's limits apply: no subscription, canceled, or past due beyond the grace period. */
function onFree(ctx: LimitContext): SQL {
  return sql`(${subscriptions.id} is null
    or ${subscriptions.status} in ('canceled', 'incomplete_expired')
    or (${subscriptions.status} in ('past_due', 'unpaid') and ${subscriptions.pastDueSince} < ${ctx.graceCutoff.toISOString()}::timestamptz))`;
}

/** The subscription's limit after overrides (null = unlimited; an override of null lifts it). */
function subscriptionLimit(key: LimitKey): SQL {
  return sql`(case when (${subscriptions.limitOverrides} -> ${key}) is not null then (${subscriptions.limitOverrides} ->> ${key})::bigint
    else ${subscriptions[key]}::bigint end)`;
}

/** The effective limit of one key (Free's, else the subscription's after overrides), for a query with `subscriptions` in scope. */
export function effectiveLimitSql(key: LimitKey, ctx: LimitContext): SQL {
  return sql`(case when ${onFree(ctx)} then ${ctx.free[key]}::bigint else ${subscriptionLimit(key)} end)`;
}

/**
 * The start of the organization's usage period: lib/plans/state.ts resolvePlanState with
 * lib/plans/period.ts usagePeriodAt (month arithmetic in UTC, the day clamped as addMonths does),
 * including a stored period that ended one cycle ago (a renewal not recorded yet) rolled forward.
 * Null only when it ended longer ago than that: then counters, written by the same rule, are
 * this period's when their period contains now.
 */
export function usagePeriodStartSql(ctx: LimitContext): SQL {
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const nowUtc = sql`(${now} at time zone 'UTC')`;
  const annual = sql`${subscriptions.billingCycle} = 'annual'`;
  const plus = (at: SQL, months: SQL) =>
    sql`((${at} at time zone 'UTC') + make_interval(months => ${months})) at time zone 'UTC'`;
  /** The usage period of a subscription period starting at `anchor`: itself (monthly) or its month slice containing now (annual). */
  const sliceOf = (anchor: SQL) => {
    const a = sql`(${anchor} at time zone 'UTC')`;
    const months = sql`((extract(year from ${nowUtc}) - extract(year from ${a})) * 12 + extract(month from ${nowUtc}) - extract(month from ${a}))::int`;
    const k = sql`least(12, case when ${a} + make_interval(months => ${months}) <= ${nowUtc} then ${months} else ${months} - 1 end)`;
    return sql`case when ${annual} then ${plus(anchor, k)} else ${anchor} end`;
  };
  return sql`(case
    when ${subscriptions.id} is null or (${subscriptions.stripeSubscriptionId} is null and ${subscriptions.planId} = ${FREE_PLAN_ID}) then ${calendarMonth(ctx.now).start.toISOString()}::timestamptz
    when ${now} < ${subscriptions.currentPeriodStart} then ${subscriptions.currentPeriodStart}
    when ${now} < ${subscriptions.currentPeriodEnd} then ${sliceOf(sql`${subscriptions.currentPeriodStart}`)}
    when ${now} < ${plus(sql`${subscriptions.currentPeriodEnd}`, sql`case when ${annual} then 12 else 1 end`)} then ${sliceOf(sql`${subscriptions.currentPeriodEnd}`)}
    else null end)`;
}

/**
 * This period's counter rows (those whose period contains now), one row per organization: per
 * metric how many there are and, for the one there usually is, its use (the sum for executions,
 * with the row's start; the current value for gauges).
 */
export function usageNowSql(ctx: LimitContext): SQL {
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const per = (m: (typeof INGESTED)[number]) => {
    const only = sql`filter (where ${usageCounters.metric} = ${literal(m)})`;
    // Executions count only in this usage period, so their row's start is kept too.
    if (m === "executions") {
      return sql`count(*) ${only} as ${name(m, "n")}, max(${usageCounters.periodStart}) ${only} as ${name(m, "start")}, max(${usageCounters.value}) ${only} as ${name(m, "used")}`;
    }
    return sql`count(*) ${only} as ${name(m, "n")}, max(${usageCounters.current}) ${only} as ${name(m, "used")}`;
  };
  return sql`(select ${usageCounters.organizationId} as organization_id, ${sql.join(INGESTED.map(per), sql`, `)}
    from ${usageCounters}
    where ${usageCounters.periodEnd} > ${now} and ${usageCounters.periodStart} <= ${now}
    group by ${usageCounters.organizationId}) ${sql.raw(USAGE)}`;
}

/** Members per organization. */
export function memberCountsSql(): SQL {
  return sql`(select ${memberships.organizationId} as organization_id, count(*) as n from ${memberships}
    group by ${memberships.organizationId}) ${sql.raw(MEMBERS)}`;
}

/** Join conditions of the two derived tables. */
export const usageNowOn = sql`${sql.raw(USAGE)}.organization_id = ${organizations.id}`;
export const memberCountsOn = sql`${sql.raw(MEMBERS)}.organization_id = ${organizations.id}`;

/** The dashboard's own read for one metric: the latest counter row at or before now (any period). */
function latestRow(metric: Metric, ctx: LimitContext, pick: SQL): SQL {
  return sql`(select ${pick} from usage_counters c
    where c.organization_id = ${organizations.id} and c.metric = ${literal(metric)} and c.period_start <= ${ctx.now.toISOString()}::timestamptz
    order by c.period_start desc limit 1)`;
}

/**
 * What counts against a limit now, as the dashboard reads it: members; executions of the latest
 * row if it is this usage period's; a gauge's current value from its latest row (carried in from
 * an earlier period when this one has no report yet). With exactly one row this period the pivot
 * answers (only a row that started later and has already ended could be newer: a period shorter
 * than a month, such as a trial's, and it is not looked for); with none or several, the latest row.
 */
function usedSql(metric: Metric, ctx: LimitContext, periodStart: SQL): SQL {
  if (metric === "users") return sql`coalesce(${sql.raw(MEMBERS)}.n, 0)`;
  const now = sql`${ctx.now.toISOString()}::timestamptz`;
  const n = col(metric, "n");
  if (metric === "executions") {
    // This usage period's row; when the period start is unknown (see usagePeriodStartSql), a row whose period contains now.
    const latest = latestRow(
      metric,
      ctx,
      sql`case when coalesce(c.period_start = ${periodStart}, c.period_end > ${now}) then c.value else 0 end`,
    );
    return sql`(case when ${n} = 1 then (case when coalesce(${col(metric, "start")} = ${periodStart}, true) then ${col(metric, "used")} else 0 end)
      when ${n} > 1 then coalesce(${latest}, 0) else 0 end)`;
  }
  return sql`(case when ${n} = 1 then coalesce(${col(metric, "used")}, 0) else coalesce(${latestRow(metric, ctx, sql`c.current`)}, 0) end)`;
}

/** The terms in the order they are tried: executions last, as only they need the usage period. */
const CHEAPEST_FIRST: Metric[] = ["users", "gateways", "agents", "storage_bytes", "executions"];

/**
 * At or over a limit (percentUsed ≥ 100: use ≥ the limit, and above zero), for a query with
 * `organizations`, left-joined `subscriptions` and the two derived tables in scope. Whether
 * Free's limits apply is decided once a row; use is only read where a limit applies, so
 * unlimited metrics never cost a probe.
 */
export function atOrOverLimitSql(ctx: LimitContext): SQL {
  const periodStart = usagePeriodStartSql(ctx);
  const freeTerms = CHEAPEST_FIRST.flatMap((m) => {
    const limit = limitForMetric(ctx.free, m);
    return limit === null ? [] : [sql`${usedSql(m, ctx, periodStart)} >= ${Math.max(limit, 1)}::bigint`];
  });
  const subTerms = CHEAPEST_FIRST.map((m) => {
    const limit = subscriptionLimit(METRIC_LIMIT_KEY[m]);
    const threshold = m === "storage_bytes" ? sql`${limit} * ${BYTES_PER_GB}::bigint` : limit;
    return sql`(case when ${limit} is null then false else ${usedSql(m, ctx, periodStart)} >= (case when ${limit} < 1 then 1 else ${threshold} end) end)`;
  });
  const any = (terms: SQL[]) => (terms.length ? sql`(${sql.join(terms, sql` or `)})` : sql`false`);
  return sql`(case when ${onFree(ctx)} then ${any(freeTerms)} else ${any(subTerms)} end)`;
}
