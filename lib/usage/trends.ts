import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { invoices, usageAlerts, type Plan, type Subscription } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recurringAmount } from "@/lib/plans";
import { sumMinor } from "@/lib/money";
import type { Limits } from "@/lib/plans/limits";
import { cycleMonths, periodAt, utcDay, type Period } from "@/lib/plans/period";
import { overageLines, type OverageLine } from "./cost";
import { overagePricesOf } from "./plan-context";
import { addDays, lastDays } from "./projection";
import { getDailySeries, getPeriodComparison, MAX_SERIES_DAYS, type DailyPoint, type PeriodComparison } from "./series";
import { getUsageOverview, type UsageOverview } from "./summary";

/**
 * Read-only queries of the billing dashboard and its CSV export: everything the page shows in
 * one call, the period's alerts, the invoice awaiting payment and the next invoice's estimate.
 */

// ---------------------------------------------------------------- export query

const day = (what: string) => z.iso.date(`${what} must be a day like 2026-11-01.`);

/** GET /api/orgs/[slug]/usage/export: `?days=N` (1–400, the last N days) or `?from=…&to=…` (inclusive UTC days). */
export const usageExportQuerySchema = z
  .object({
    days: z.coerce
      .number({ error: "days must be a whole number of days." })
      .int("days must be a whole number of days.")
      .min(1, "days must be at least 1.")
      .max(MAX_SERIES_DAYS, `days must be at most ${MAX_SERIES_DAYS}.`)
      .optional(),
    from: day("from").optional(),
    to: day("to").optional(),
  })
  .superRefine((q, ctx) => {
    if (q.days !== undefined && (q.from || q.to)) {
      ctx.addIssue({ code: "custom", path: ["days"], message: "Use either days or from and to, not both." });
      return;
    }
    if (Boolean(q.from) !== Boolean(q.to)) {
      ctx.addIssue({
        code: "custom",
        path: [q.from ? "to" : "from"],
        message: "from and to go together: give both days.",
      });
      return;
    }
    if (q.from && q.to) {
      if (q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must not be after to." });
      else if (q.to > addDays(q.from, MAX_SERIES_DAYS - 1)) {
        ctx.addIssue({ code: "custom", path: ["to"], message: `A range covers at most ${MAX_SERIES_DAYS} days.` });
      }
    }
  });

export type UsageExportQuery = z.output<typeof usageExportQuerySchema>;

/** The days an export covers: from/to as given, else the last `days` (default 30) up to today. */
export function resolveExportRange(q: UsageExportQuery, now: Date): { from: string; to: string } {
  if (q.from && q.to) return { from: q.from, to: q.to };
  return lastDays(q.days ?? 30, now);
}

// ---------------------------------------------------------------- alerts and invoices

export type PeriodAlert = {
  id: string;
  metric: string;
  thresholdPercent: number;
  used: number;
  limit: number;
  at: Date;
};

/** The alerts (80% / 100% of a limit) recorded for the usage period starting at `periodStart`, oldest first. */
export async function getPeriodAlerts(
  db: Queryable,
  organizationId: string,
  periodStart: Date,
): Promise<PeriodAlert[]> {
  return db
    .select({
      id: usageAlerts.id,
      metric: usageAlerts.metric,
      thresholdPercent: usageAlerts.thresholdPercent,
      used: usageAlerts.used,
      limit: usageAlerts.limit,
      at: usageAlerts.createdAt,
    })
    .from(usageAlerts)
    .where(and(eq(usageAlerts.organizationId, organizationId), eq(usageAlerts.periodStart, periodStart)))
    .orderBy(asc(usageAlerts.createdAt), asc(usageAlerts.thresholdPercent));
}

export type OutstandingInvoice = {
  id: string;
  number: string | null;
  amountDueCents: number;
  currency: string;
  dueDate: Date | null;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
};

/** The newest open invoice (what a past-due banner asks to pay), or null. */
export async function getOutstandingInvoice(db: Queryable, organizationId: string): Promise<OutstandingInvoice | null> {
  const [row] = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      amountDueCents: invoices.amountDueCents,
      currency: invoices.currency,
      dueDate: invoices.dueDate,
      nextPaymentAttempt: invoices.nextPaymentAttempt,
      hostedInvoiceUrl: invoices.hostedInvoiceUrl,
    })
    .from(invoices)
    .where(and(eq(invoices.organizationId, organizationId), eq(invoices.status, "open")))
    .orderBy(desc(invoices.issuedAt), desc(invoices.id))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------- next invoice

export type NextInvoice =
  /** A renewal: the recurring amount (null when a custom price is not set) plus overage known so far. */
  | {
      kind: "renewal";
      date: Date;
      recurringCents: number | null;
      overageCents: number;
      overage: OverageLine[];
      totalCents: number | null;
      currency: string;
    }
  /** Cancellation scheduled: nothing more is billed; the plan ends on `date`. */
  | { kind: "ending"; date: Date }
  /** Free, or canceled: no invoices. */
  | { kind: "none" };

const NO_OVERAGE = overagePricesOf({
  overageCentsPer1kExecutions: null,
  overageCentsPerAgent: null,
  overageCentsPerStorageGb: null,
  overageCentsPerGateway: null,
});

/** Pure: the next invoice of a plan state and this period's usage (executions: the sum; gauges: the period's peak). */
export function estimateNextInvoice(input: {
  plan: Plan;
  subscription: Subscription | null;
  limits: Limits;
  degradedToFree: boolean;
  usage: { executions: number; agents: number; storage_bytes: number; gateways: number };
  now: Date;
}): NextInvoice {
  const { plan, subscription: sub, now } = input;
  if (!sub || sub.status === "canceled" || sub.status === "incomplete_expired") return { kind: "none" };
  const recurring = recurringAmount(plan, sub);
  if (recurring === 0 && sub.stripeSubscriptionId === null) return { kind: "none" };
  const billing: Period = periodAt(
    { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
    cycleMonths(sub.billingCycle),
    now,
  );
  if (sub.cancelAtPeriodEnd) return { kind: "ending", date: billing.end };
  const inTrial = sub.status === "trialing" && sub.trialEnd !== null && sub.trialEnd.getTime() > now.getTime();
  const date = inTrial ? sub.trialEnd! : billing.end;
  // Past due beyond the grace period, Free's prices apply: no overage.
  const prices = input.degradedToFree ? NO_OVERAGE : overagePricesOf(plan);
  const overage = overageLines(input.usage, input.limits, prices);
  const overageCents = sumMinor(overage.map((l) => l.amountCents));
  return {
    kind: "renewal",
    date,
    recurringCents: recurring,
    overageCents,
    overage,
    totalCents: recurring === null ? null : sumMinor([recurring, overageCents]),
    currency: plan.currency,
  };
}

// ---------------------------------------------------------------- the dashboard

export type BillingDashboard = {
  now: Date;
  overview: UsageOverview;
  /** The last `days` UTC days, one point a day (executions: the day's sum; gauges: the day's peak). */
  range: { days: number; from: string; to: string; points: DailyPoint[] };
  /**
   * This usage period's days so far, from its first UTC day to today (roll-ups are per UTC day,
   * so a period that starts mid-day counts its first day whole; the cards use the exact counter).
   */
  periodDaily: { day: string; executions: number }[];
  comparison: PeriodComparison;
  alerts: PeriodAlert[];
  outstanding: OutstandingInvoice | null;
  nextInvoice: NextInvoice;
  /** Whether executions past the limit are billed (true) or refused (false). */
  executionsOveragePriced: boolean;
  /** False for an organization that has never reported usage: the page shows an empty state. */
  hasUsage: boolean;
};

/** Everything the billing dashboard shows, for an organization, at `now`, with a history of `days` days. */
export async function getBillingDashboard(
  db: Queryable,
  organizationId: string,
  opts: { days: number; now?: Date },
): Promise<BillingDashboard> {
  const now = opts.now ?? new Date();
  const overview = await getUsageOverview(db, organizationId, now);
  const range = lastDays(Math.min(Math.max(1, Math.trunc(opts.days)), MAX_SERIES_DAYS), now);
  const periodFirst = utcDay(overview.usagePeriod.start);
  const from = periodFirst < range.from ? periodFirst : range.from;
  const [points, comparison, alerts, outstanding] = await Promise.all([
    getDailySeries(db, organizationId, { from, to: range.to }),
    getPeriodComparison(db, organizationId, now),
    getPeriodAlerts(db, organizationId, overview.usagePeriod.start),
    getOutstandingInvoice(db, organizationId),
  ]);
  const byMetric = new Map(overview.metrics.map((m) => [m.metric, m]));
  const peak = (m: "agents" | "storage_bytes" | "gateways") => byMetric.get(m)?.peak ?? 0;
  const usage = {
    executions: byMetric.get("executions")?.used ?? 0,
    agents: peak("agents"),
    storage_bytes: peak("storage_bytes"),
    gateways: peak("gateways"),
  };
  const nextInvoice = estimateNextInvoice({ ...overview, usage, now });
  const hasUsage =
    points.some((p) => p.executions > 0 || p.agents > 0 || p.gateways > 0 || p.storage_bytes > 0) ||
    overview.metrics.some((m) => m.metric !== "users" && m.used > 0);
  return {
    now,
    overview,
    range: { days: opts.days, ...range, points: points.filter((p) => p.day >= range.from) },
    periodDaily: points.filter((p) => p.day >= periodFirst).map((p) => ({ day: p.day, executions: p.executions })),
    comparison,
    alerts,
    outstanding,
    nextInvoice,
    executionsOveragePriced:
      nextInvoice.kind !== "none" && !overview.degradedToFree && overview.plan.overageCentsPer1kExecutions !== null,
    hasUsage,
  };
}
