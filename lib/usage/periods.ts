import { addMonths, calendarMonth, startingNoEarlierThan, usagePeriodAt, type Period } from "@/lib/plans/period";

/**
 * Which usage period an instant belongs to. Limits are monthly, so every usage period is a
 * month: the UTC calendar month on Free (and without a paid subscription), otherwise a monthly
 * slice anchored on the subscription's period start (for a monthly subscription, its billing
 * period). Ingest, reconciliation and period close all use this one function, so counters,
 * roll-ups and records agree on period boundaries.
 */
export type PeriodSource = (
  { kind: "calendar" } | { kind: "subscription"; billing: Period; cycle: "monthly" | "annual" }
) & {
  /** When this source took over (a change mid-period): its first usage period starts there. */
  from?: Date | null;
};

/** Pure: the period source of a plan state (see lib/plans/state.ts: paid ⇒ subscription periods). */
export function periodSourceOf(input: {
  subscription: {
    currentPeriodStart: Date;
    currentPeriodEnd: Date;
    billingCycle: "monthly" | "annual";
    stripeSubscriptionId: string | null;
    usagePeriodsFrom?: Date | null;
  } | null;
  planId: string;
  freePlanId: string;
}): PeriodSource {
  const sub = input.subscription;
  if (!sub) return { kind: "calendar" };
  const paid = sub.stripeSubscriptionId !== null || input.planId !== input.freePlanId;
  const from = sub.usagePeriodsFrom ?? null;
  if (!paid) return { kind: "calendar", from };
  return {
    kind: "subscription",
    billing: { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
    cycle: sub.billingCycle,
    from,
  };
}

/**
 * The usage period containing `at`. For `at` ≥ the stored period start this is exactly lib/plans'
 * usagePeriodAt; from the moment the source took over (`from`), periods start no earlier than it.
 */
export function usagePeriodFor(source: PeriodSource, at: Date): Period {
  return startingNoEarlierThan(slicedPeriodFor(source, at), source.from, at);
}

function slicedPeriodFor(source: PeriodSource, at: Date): Period {
  if (source.kind === "calendar") return calendarMonth(at);
  const anchor = source.billing.start;
  if (at.getTime() >= anchor.getTime()) return usagePeriodAt(source.billing, source.cycle, at);
  // Before the stored period: monthly slices counted back from the anchor (no drift from clamping).
  for (let k = 1; k <= 1200; k++) {
    const start = addMonths(anchor, -k);
    if (at.getTime() >= start.getTime()) return { start, end: addMonths(anchor, -(k - 1)) };
  }
  return calendarMonth(at);
}

/** Every usage period that overlaps [from, to), oldest first. */
export function periodsOverlapping(source: PeriodSource, from: Date, to: Date): Period[] {
  const out: Period[] = [];
  let p = usagePeriodFor(source, from);
  let guard = 0;
  while (p.start.getTime() < to.getTime() && guard++ < 240) {
    out.push(p);
    p = usagePeriodFor(source, p.end);
  }
  return out;
}

/** A small cache for mapping many instants of one batch to periods (most share one or two). */
export function periodMapper(source: PeriodSource): (at: Date) => Period {
  const seen: Period[] = [];
  return (at) => {
    const t = at.getTime();
    for (const p of seen) if (t >= p.start.getTime() && t < p.end.getTime()) return p;
    const p = usagePeriodFor(source, at);
    seen.push(p);
    return p;
  };
}
