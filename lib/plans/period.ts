/** Billing periods. All times are UTC instants. */

export type Period = { start: Date; end: Date };

/** The calendar month (UTC) containing `now`: the period of organizations without a paid subscription. */
export function calendarMonth(now: Date): Period {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

/** Add calendar months the way Stripe does: the day clamps to the month's last day. */
export function addMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(d.getUTCDate(), lastDay),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
}

/**
 * The period containing `now` for a subscription whose stored period is [start, end).
 * If the stored period is stale (a renewal not yet recorded), roll it forward by whole cycles
 * so that counters keep landing in the right period.
 */
export function periodAt(stored: Period, cycleMonths: number, now: Date): Period {
  let { start, end } = stored;
  let guard = 0;
  while (now.getTime() >= end.getTime() && guard++ < 1200) {
    start = end;
    end = addMonths(start, cycleMonths);
  }
  return { start, end };
}

export function cycleMonths(cycle: "monthly" | "annual"): number {
  return cycle === "annual" ? 12 : 1;
}

/** The UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The usage period containing `now`: limits are monthly (executions per month), so an annual
 * subscription's year is cut into monthly slices anchored on its start. For a monthly
 * subscription this is its billing period.
 */
export function usagePeriodAt(billing: Period, cycle: "monthly" | "annual", now: Date): Period {
  const current = periodAt(billing, cycleMonths(cycle), now);
  if (cycle === "monthly") return current;
  let start = current.start;
  for (let k = 1; k <= 12; k++) {
    const next = addMonths(current.start, k);
    if (now.getTime() < next.getTime()) return { start, end: next };
    start = next;
  }
  return { start, end: current.end };
}

/**
 * A period source took over at `from` (a plan or cycle change): the usage period containing an
 * instant at or after `from` starts no earlier than `from`, and one before it ends there.
 */
export function startingNoEarlierThan(period: Period, from: Date | null | undefined, at: Date): Period {
  if (!from) return period;
  const f = from.getTime();
  if (period.start.getTime() >= f || period.end.getTime() <= f) return period;
  return at.getTime() >= f ? { start: from, end: period.end } : { start: period.start, end: from };
}
