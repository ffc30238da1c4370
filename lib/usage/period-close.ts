import "server-only";
import { and, count, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { memberships, usageCounters, usageRecords, type UsageRecord } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";
import { limitForMetric, recurringAmount } from "@/lib/plans";
import { cycleMonths, type Period } from "@/lib/plans/period";
import { computePeriodCost, coveredPart, type PeriodUsage } from "./cost";
import { loadPlanContext, type PlanContext } from "./plan-context";
import { knownPeriods } from "./period-carry";

/**
 * usage_records: one row per (organization, usage period). Written when a period closes (final,
 * closed_at set; never changed again) and on demand for a period still open (a provisional
 * snapshot, refreshed by the next snapshot and replaced by the close). Both are idempotent.
 * The plan, seats and limits are those in force when the record is written; users is the
 * member count at that time (memberships keep no history).
 */

/** Usage of a period from its counters; a gauge with no row for the period carries its last value in. */
async function periodUsage(db: Queryable, organizationId: string, period: Period): Promise<PeriodUsage> {
  const result = await db.execute(sql`
    select m.metric::text as metric,
      coalesce(
        (select c.value from usage_counters c where c.organization_id = ${organizationId}::uuid and c.metric = m.metric
           and c.period_start = ${period.start.toISOString()}::timestamptz),
        case when m.metric = 'executions' then 0 else
          (select c.current from usage_counters c where c.organization_id = ${organizationId}::uuid and c.metric = m.metric
             and c.period_start < ${period.start.toISOString()}::timestamptz order by c.period_start desc limit 1) end,
        0) as value
    from unnest(enum_range(null::usage_metric)) as m(metric)`);
  const usage: PeriodUsage = { executions: 0, agents: 0, storage_bytes: 0, gateways: 0 };
  for (const r of rowsOf<{ metric: string; value: unknown }>(result))
    usage[r.metric as keyof PeriodUsage] = Number(r.value ?? 0);
  return usage;
}

async function writeRecord(
  db: Queryable,
  organizationId: string,
  ctx: PlanContext,
  period: Period,
  opts: { close: boolean; now: Date },
): Promise<UsageRecord | null> {
  const [usage, [members]] = await Promise.all([
    periodUsage(db, organizationId, period),
    db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId)),
  ]);
  const sub = ctx.subscription;
  // Executions carried in from a period a change ended early were billed there already: only
  // what this period adds beyond the limit is overage.
  const [carriedRow] = await db
    .select({ carried: usageCounters.carried })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.organizationId, organizationId),
        eq(usageCounters.metric, "executions"),
        eq(usageCounters.periodStart, period.start),
      ),
    );
  const carried = carriedRow?.carried ?? 0;
  const limit = limitForMetric(ctx.limits, "executions");
  const billable = limit !== null && carried > limit ? usage.executions - carried + limit : usage.executions;
  const cost = computePeriodCost({
    cycleAmountCents: sub ? recurringAmount(ctx.plan, sub) : 0,
    cycleMonths: cycleMonths(sub?.billingCycle ?? "monthly"),
    period,
    covered: coveredPart(period, sub),
    usage: { ...usage, executions: billable },
    limits: ctx.limits,
    overage: ctx.overage,
  });
  const update = {
    periodEnd: period.end,
    planId: ctx.plan.id,
    seats: sub?.seats ?? 1,
    users: Number(members?.n ?? 0),
    agents: usage.agents,
    executions: usage.executions,
    storageBytes: usage.storage_bytes,
    gateways: usage.gateways,
    limits: { ...ctx.limits },
    baseCents: cost.baseCents,
    overageCents: cost.overageCents,
    costCents: cost.costCents,
    currency: ctx.plan.currency,
    overageLines: cost.overageLines,
    closedAt: opts.close ? opts.now : null,
    updatedAt: opts.now,
  };
  const [row] = await db
    .insert(usageRecords)
    .values({ organizationId, periodStart: period.start, ...update })
    .onConflictDoUpdate({
      target: [usageRecords.organizationId, usageRecords.periodStart],
      set: update,
      setWhere: sql`${usageRecords.closedAt} is null`,
    })
    .returning();
  return row ?? null;
}

/** Snapshot a period on demand (default: the current one) without closing it. A closed period is left as it is. */
export async function snapshotUsagePeriod(
  db: Queryable,
  organizationId: string,
  opts: { period?: Period; now?: Date } = {},
): Promise<UsageRecord | null> {
  const now = opts.now ?? new Date();
  const ctx = await loadPlanContext(db, organizationId, now);
  const period = opts.period ?? ctx.usagePeriod;
  return writeRecord(db, organizationId, ctx, period, { close: period.end.getTime() <= now.getTime(), now });
}

export type CloseResult = {
  organizationId: string;
  periodStart: Date;
  periodEnd: Date;
  costCents: number;
  currency: string;
};

/**
 * Close the usage periods of one organization that ended within the lookback and are not closed
 * yet. Periods that ended before the organization existed and have no usage are skipped.
 */
export async function closeEndedPeriods(
  db: Queryable,
  org: { id: string; createdAt: Date },
  opts: { now: Date; lookbackDays?: number; ctx?: PlanContext },
): Promise<CloseResult[]> {
  const { now } = opts;
  const ctx = opts.ctx ?? (await loadPlanContext(db, org.id, now));
  const from = new Date(now.getTime() - (opts.lookbackDays ?? 35) * 86_400_000);
  const ended = (await knownPeriods(db, org.id, ctx.periodSource, from, now)).filter(
    (p) => p.end.getTime() <= now.getTime(),
  );
  if (ended.length === 0) return [];
  const starts = ended.map((p) => p.start);
  const [closed, withUsage] = await Promise.all([
    db
      .select({ periodStart: usageRecords.periodStart })
      .from(usageRecords)
      .where(
        and(
          eq(usageRecords.organizationId, org.id),
          inArray(usageRecords.periodStart, starts),
          isNotNull(usageRecords.closedAt),
        ),
      ),
    db
      .selectDistinct({ periodStart: usageCounters.periodStart })
      .from(usageCounters)
      .where(and(eq(usageCounters.organizationId, org.id), inArray(usageCounters.periodStart, starts))),
  ]);
  const closedSet = new Set(closed.map((r) => r.periodStart.getTime()));
  const usedSet = new Set(withUsage.map((r) => r.periodStart.getTime()));
  const out: CloseResult[] = [];
  for (const period of ended) {
    const t = period.start.getTime();
    if (closedSet.has(t)) continue;
    if (period.end.getTime() <= org.createdAt.getTime() && !usedSet.has(t)) continue;
    const row = await writeRecord(db, org.id, ctx, period, { close: true, now });
    if (row)
      out.push({
        organizationId: org.id,
        periodStart: period.start,
        periodEnd: period.end,
        costCents: row.costCents,
        currency: row.currency,
      });
  }
  return out;
}
