import type { LimitKey } from "@/db/schema";
import { limitLabel, METRIC_LIMIT_KEY, METRICS } from "@/lib/plans";

/** How the console names the five limits: lib/plans' names, with the unit storage is set in (GB). */
export const LIMIT_LABEL = Object.fromEntries(
  METRICS.map((m) => [METRIC_LIMIT_KEY[m], m === "storage_bytes" ? `${limitLabel(m)} (GB)` : limitLabel(m)]),
) as Record<LimitKey, string>;

export function formatLimit(value: number | null | undefined): string {
  if (value === undefined) return "—";
  return value === null ? "unlimited" : value.toLocaleString("en-US");
}
