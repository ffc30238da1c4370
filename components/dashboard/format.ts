import { dateTimeFormat, formatNumber } from "@/lib/format";
import { formatBytes, type Metric } from "@/lib/plans";

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
