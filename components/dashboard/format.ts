import { dateTimeFormat, formatNumber } from "@/lib/format";
import { formatBytes, type Metric } from "@/lib/plans/limits";

/** A metric's value for people: storage in bytes as "12.3 GB", counts with the locale's grouping. */
export function formatMetric(value: number, metric: Metric | "storage_bytes", locale: string): string {
  return metric === "storage_bytes" ? formatBytes(value) : formatNumber(value, locale);
}

export const METRIC_NAME: Record<Metric, string> = {
  users: "Users",
  agents: "Agents",
  executions: "Executions",
  storage_bytes: "Storage",
  gateways: "Gateways",
};

/** Whole days from `now` until `at` (at least 0), for "in 3 days". */
export function daysUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 86_400_000));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A UTC day without the year ("Nov 8"), for tables whose caption already says which period. */
export function formatDayShort(day: string, locale: string): string {
  return dateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/**
 * A usage alert in words: "Gateways went over the limit (2 of 1)" when the use is past the limit,
 * "reached the limit" at it, "reached 80% of the limit" for the early warning.
 */
export function alertText(
  a: { metric: string; thresholdPercent: number; used: number; limit: number },
  locale: string,
): { badge: string; text: string; over: boolean } {
  const name = METRIC_NAME[a.metric as Metric] ?? a.metric;
  const v = (n: number) => formatMetric(n, a.metric as Metric, locale);
  const amounts = `(${v(a.used)} of ${v(a.limit)})`;
  if (a.used > a.limit) return { badge: "Over the limit", text: `${name} went over the limit ${amounts}`, over: true };
  if (a.thresholdPercent >= 100)
    return { badge: "Limit reached", text: `${name} reached the limit ${amounts}`, over: false };
  return {
    badge: `${a.thresholdPercent}%`,
    text: `${name} reached ${a.thresholdPercent}% of the limit ${amounts}`,
    over: false,
  };
}
