import "server-only";
import { and, count, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import { invoices, organizations, plans, subscriptions, usageCounters, type SubscriptionStatus } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { calendarMonth } from "@/lib/plans/period";
import { percentUsed } from "@/lib/plans/limits";
import { limitContext } from "./orgs-list";
import { effectiveLimitSql } from "./org-limits-sql";
import { countOrganizationsByPlan, type PlanCount } from "./overview";
import { outstanding, recurringRevenue, type MoneyByCurrency, type PriceGroup, type Recurring } from "./revenue";

/** The overview's figures: counts, recurring revenue, churn, past due and the heaviest users. */

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
  suspended: number;
  byPlan: PlanCount[];
  bySubscriptionStatus: { status: SubscriptionStatus; subscriptions: number }[];
  recurring: Recurring;
  newThisMonth: number;
  churnedThisMonth: number;
  pastDue: { organizations: number; outstanding: MoneyByCurrency };
  leaders: UsageLeader[];
};

export async function getOverviewMetrics(db: Queryable, now = new Date()): Promise<OverviewMetrics> {
  const month = calendarMonth(now);
  const ctx = await limitContext(db, now);
  // One executions counter per organization: the latest usage period containing now. After a plan
  // change mid-period the period before (e.g. Free's calendar month) still contains now too.
  const currentExecutions = db
    .selectDistinctOn([usageCounters.organizationId], {
      organizationId: usageCounters.organizationId,
      value: usageCounters.value,
    })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.metric, "executions"),
        sql`${usageCounters.periodStart} <= ${now.toISOString()}::timestamptz`,
        sql`${usageCounters.periodEnd} > ${now.toISOString()}::timestamptz`,
        isNotNull(usageCounters.value),
      ),
    )
    .orderBy(usageCounters.organizationId, desc(usageCounters.periodStart))
    .as("current_executions");
  const [[totals], byPlan, byStatus, groups, [newRow], [churnRow], [pastDueRow], pastDueMoney, leaders] =
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
        .groupBy(subscriptions.status)
        .orderBy(desc(count())),
      db
        .select({
          currency: plans.currency,
          cycle: subscriptions.billingCycle,
          perSeat: plans.perSeat,
          custom: sql<boolean>`${subscriptions.customPricePerSeatCents} is not null`.mapWith(Boolean),
          unitCents: sql<number | null>`coalesce(${subscriptions.customPricePerSeatCents},
          case when ${subscriptions.billingCycle} = 'annual' then ${plans.pricePerSeatAnnualCents} else ${plans.pricePerSeatMonthlyCents} end)`,
          seats: sql<number>`sum(${subscriptions.seats})`.mapWith(Number),
          subscriptions: count(),
        })
        .from(subscriptions)
        .innerJoin(plans, eq(plans.id, subscriptions.planId))
        .where(eq(subscriptions.status, "active"))
        .groupBy(sql`1`, sql`2`, sql`3`, sql`4`, sql`5`),
      db.select({ n: count() }).from(organizations).where(gte(organizations.createdAt, month.start)),
      db
        .select({ n: count() })
        .from(subscriptions)
        .where(and(eq(subscriptions.status, "canceled"), gte(subscriptions.canceledAt, month.start))),
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
      db
        .select({
          organizationId: organizations.id,
          slug: organizations.slug,
          name: organizations.name,
          planName: sql<string>`coalesce(${plans.name}, 'Free')`,
          executions: currentExecutions.value,
          limit: sql<number | null>`${effectiveLimitSql("maxExecutionsPerMonth", ctx)}`.mapWith((v) =>
            v === null ? null : Number(v),
          ),
        })
        .from(currentExecutions)
        .innerJoin(organizations, eq(organizations.id, currentExecutions.organizationId))
        .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
        .leftJoin(plans, eq(plans.id, subscriptions.planId))
        .orderBy(desc(currentExecutions.value))
        .limit(5),
    ]);
  return {
    totalOrganizations: Number(totals?.all ?? 0),
    suspended: totals?.suspended ?? 0,
    byPlan,
    bySubscriptionStatus: byStatus.map((r) => ({ status: r.status, subscriptions: Number(r.subscriptions) })),
    recurring: recurringRevenue(
      groups.map((g): PriceGroup => ({
        ...g,
        unitCents: g.unitCents === null ? null : Number(g.unitCents),
        subscriptions: Number(g.subscriptions),
      })),
    ),
    newThisMonth: Number(newRow?.n ?? 0),
    churnedThisMonth: Number(churnRow?.n ?? 0),
    pastDue: { organizations: Number(pastDueRow?.n ?? 0), outstanding: outstanding(pastDueMoney) },
    leaders: leaders.map((l) => ({
      ...l,
      executions: Number(l.executions),
      percent: percentUsed(Number(l.executions), l.limit),
    })),
  };
}
