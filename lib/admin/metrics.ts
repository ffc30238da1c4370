import "server-only";
import { and, count, desc, eq, gte, inArray, ne, or, isNotNull, sql } from "drizzle-orm";
import { invoices, organizations, plans, subscriptions, usageCounters, type SubscriptionStatus } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { FREE_PLAN_ID, calendarMonth, percentUsed } from "@/lib/plans";
import { limitContext } from "./orgs-list";
import { effectiveLimitSql, usagePeriodStartSql } from "./org-limits-sql";
import { countOrganizationsByPlan, type PlanCount } from "./overview";
import { outstanding, type MoneyByCurrency, type RecurringAt } from "./revenue";
import { newOrganizations, recurringAt } from "./series";

/**
 * The overview's figures, one definition each (the charts use the same functions):
 *  - organizations: all, active (not suspended) and suspended;
 *  - MRR, ARR and paying organizations: revenue.ts, at now (the MRR chart's last point);
 *  - new this month: organizations created since the 1st (UTC), the signups chart's last bar;
 *  - churned this month: paid subscriptions canceled since the 1st;
 *  - paid subscriptions by status: subscriptions of a paid plan or billed in Stripe (Free's
 *    placeholder rows are not subscriptions anyone pays for);
 *  - usage leaders: executions in each organization's usage period running now (the period the
 *    dashboard and the limit checks count) against the limit in force in it.
 */

export type UsageLeader = {
  organizationId: string;
  slug: string;
  name: string;
  planName: string;
  executions: number;
  limit: number | null;
  percent: number | null;
};

export type OverviewMetrics = {
  totalOrganizations: number;
  activeOrganizations: number;
  suspended: number;
  byPlan: PlanCount[];
  paidSubscriptionsByStatus: { status: SubscriptionStatus; subscriptions: number }[];
  recurring: RecurringAt;
  newThisMonth: number;
  churnedThisMonth: number;
  pastDue: { organizations: number; outstanding: MoneyByCurrency };
  leaders: UsageLeader[];
};

const paidSubscription = or(ne(subscriptions.planId, FREE_PLAN_ID), isNotNull(subscriptions.stripeSubscriptionId));

/**
 * The organizations with the most executions in their current usage period, against the limit
 * in force: the dashboard's and the limit checks' own rule (lib/usage/summary.ts, limits.ts),
 * in one statement. An organization's count is its latest executions row at or before now when
 * that row is the usage period's (after a mid-month upgrade, the Free month before it no longer
 * counts), else nothing. The usage period contains now, so only rows containing now are read.
 */
export async function usageLeaders(db: Queryable, now: Date, limit = 5): Promise<UsageLeader[]> {
  const ctx = await limitContext(db, now);
  const at = sql`${now.toISOString()}::timestamptz`;
  const periodStart = usagePeriodStartSql(ctx);
  const rows = await db
    .select({
      organizationId: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      planName: sql<string>`coalesce(${plans.name}, 'Free')`,
      executions: usageCounters.value,
      limit: sql<number | null>`${effectiveLimitSql("maxExecutionsPerMonth", ctx)}`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
    })
    .from(usageCounters)
    .innerJoin(organizations, eq(organizations.id, usageCounters.organizationId))
    .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
    .leftJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        eq(usageCounters.metric, "executions"),
        sql`${usageCounters.periodStart} <= ${at} and ${usageCounters.periodEnd} > ${at} and ${usageCounters.value} > 0`,
        sql`not exists (select 1 from usage_counters later where later.organization_id = ${usageCounters.organizationId}
          and later.metric = 'executions' and later.period_start > ${usageCounters.periodStart} and later.period_start <= ${at})`,
        // The usage period's row (when its start can't be told, a stored period long past: the row containing now).
        sql`coalesce(${usageCounters.periodStart} = ${periodStart}, true)`,
      ),
    )
    .orderBy(desc(usageCounters.value), organizations.id)
    .limit(limit);
  return rows.map((l) => ({
    ...l,
    executions: Number(l.executions),
    percent: percentUsed(Number(l.executions), l.limit),
  }));
}

export async function getOverviewMetrics(db: Queryable, now = new Date()): Promise<OverviewMetrics> {
  const month = calendarMonth(now);
  const [[totals], byPlan, byStatus, [recurring], newThisMonth, [churnRow], [pastDueRow], pastDueMoney, leaders] =
    await Promise.all([
      db
        .select({
          all: count(),
          suspended: sql<number>`count(*) filter (where ${organizations.status} = 'suspended')`.mapWith(Number),
        })
        .from(organizations),
      countOrganizationsByPlan(db),
      db
        .select({ status: subscriptions.status, subscriptions: count() })
        .from(subscriptions)
        .where(paidSubscription)
        .groupBy(subscriptions.status)
        .orderBy(desc(count()), subscriptions.status),
      recurringAt(db, [now]),
      newOrganizations(db, month.start, now),
      db
        .select({ n: count() })
        .from(subscriptions)
        .where(and(eq(subscriptions.status, "canceled"), gte(subscriptions.canceledAt, month.start), paidSubscription)),
      db
        .select({ n: count() })
        .from(subscriptions)
        .where(inArray(subscriptions.status, ["past_due", "unpaid"])),
      db
        .select({
          currency: invoices.currency,
          dueCents: sql<number>`sum(${invoices.amountDueCents})`.mapWith(Number),
          paidCents: sql<number>`sum(${invoices.amountPaidCents})`.mapWith(Number),
        })
        .from(invoices)
        .innerJoin(subscriptions, eq(subscriptions.organizationId, invoices.organizationId))
        .where(and(eq(invoices.status, "open"), inArray(subscriptions.status, ["past_due", "unpaid"])))
        .groupBy(invoices.currency),
      usageLeaders(db, now),
    ]);
  const all = Number(totals?.all ?? 0);
  const suspended = totals?.suspended ?? 0;
  return {
    totalOrganizations: all,
    activeOrganizations: all - suspended,
    suspended,
    byPlan,
    paidSubscriptionsByStatus: byStatus.map((r) => ({ status: r.status, subscriptions: Number(r.subscriptions) })),
    recurring: recurring!,
    newThisMonth,
    churnedThisMonth: Number(churnRow?.n ?? 0),
    pastDue: { organizations: Number(pastDueRow?.n ?? 0), outstanding: outstanding(pastDueMoney) },
    leaders,
  };
}
