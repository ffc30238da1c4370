import type { WPrice } from "../core/wire";

export interface BillingInterval {
  interval: string;
  count: number;
}

export function intervalOf(price: WPrice): BillingInterval {
  return { interval: price.recurring?.interval ?? "month", count: price.recurring?.interval_count ?? 1 };
}

export function sameInterval(a: BillingInterval, b: BillingInterval): boolean {
  return a.interval === b.interval && a.count === b.count;
}

const DAY = 86_400;

/**
 * `anchor` + n intervals, in UTC. Month and year steps keep the anchor's day of month and time
 * of day, clamped to the month's last day (Jan 31 → Feb 28 → Mar 31), as Stripe bills.
 */
export function addIntervals(anchor: number, iv: BillingInterval, n: number): number {
  if (iv.interval === "day") return anchor + n * iv.count * DAY;
  if (iv.interval === "week") return anchor + n * iv.count * 7 * DAY;
  const d = new Date(anchor * 1000);
  const months = (iv.interval === "year" ? 12 : 1) * iv.count * n;
  const totalMonths = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

/** The first billing boundary (anchor + k intervals, k ≥ 1) strictly after `t`. */
export function nextBoundary(anchor: number, iv: BillingInterval, t: number): number {
  let n = 1;
  let b = addIntervals(anchor, iv, n);
  while (b <= t) b = addIntervals(anchor, iv, ++n);
  return b;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `15 Jan 2026`, the format of Stripe's proration line descriptions. */
export function formatDay(unix: number): string {
  const d = new Date(unix * 1000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
