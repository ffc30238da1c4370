import { readQuery, withCron } from "@/lib/http/route";
import { reconcileParamsSchema, resolveReconcileOptions, runUsageJob } from "@/lib/usage";
import { json } from "@/lib/http/json";

/**
 * POST /api/cron/usage (Authorization: Bearer $CRON_SECRET) — roll-up and reconciliation:
 * rebuild usage_daily and usage_counters from the raw events over a window (default the last
 * 35 days; ?days=, ?from=, ?to=, ?organization=slug, ?close=0), repair and report drift, close
 * ended usage periods and raise usage alerts. Recorded in job_runs. Idempotent.
 */
export const POST = withCron(async (req, { db }) => {
  const params = readQuery(req, reconcileParamsSchema);
  const options = await resolveReconcileOptions(db, params);
  const { runId, report } = await runUsageJob(db, { ...options, trigger: "cron" });
  return json({ runId, ...report });
});
