/** Helpers of the admin benchmark. The app server, database URL and formatting are the ingest benchmark's. */
export { fmt, startApp, withDatabase } from "./ingest-support";

/** Nearest-rank percentile of an ascending array (the admin figures in the README use this rule). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
