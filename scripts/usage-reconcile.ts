import { parseArgs } from "node:util";
import { AppError } from "../lib/errors";
import { reconcileParamsSchema, resolveReconcileOptions, runUsageJob } from "../lib/usage/reconcile";
import { describeTarget, openAppDatabase } from "./db";

/**
 * npm run usage:reconcile -- [--days 35] [--from 2026-10-01] [--to 2026-11-01] [--organization acme] [--no-close]
 * Rebuilds usage_daily and usage_counters from usage_events over the window, repairs and reports
 * drift, closes ended usage periods, raises usage alerts, and records the run in job_runs.
 * On the embedded database, stop `npm run dev` first (PGlite allows one process).
 */
const { values } = parseArgs({
  options: {
    days: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    organization: { type: "string" },
    "no-close": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

const parsed = reconcileParamsSchema.safeParse({
  days: values.days,
  from: values.from,
  to: values.to,
  organization: values.organization,
  close: values["no-close"] ? "0" : "1",
});
if (!parsed.success) {
  console.error(
    `Invalid arguments: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(2);
}

const database = await openAppDatabase();
try {
  const started = Date.now();
  const options = await resolveReconcileOptions(database.db, parsed.data);
  const { runId, report } = await runUsageJob(database.db, { ...options, trigger: "script" });
  if (values.json) {
    console.log(JSON.stringify({ runId, ...report }, null, 2));
  } else {
    const c = report.counters;
    console.log(`Usage reconciliation on ${describeTarget()} (${Date.now() - started} ms, run ${runId})`);
    console.log(
      `  window          ${report.window.from} → ${report.window.to}, ${report.organizations} organization(s)`,
    );
    console.log(
      `  daily roll-ups  ${report.daily.checked} checked, ${report.daily.upserted} repaired, ${report.daily.deleted} removed, drift ${report.daily.drift}`,
    );
    console.log(
      `  counters        ${c.checked} checked, ${c.repaired} repaired (drift ${c.drift}), ${c.created} empty periods materialised`,
    );
    for (const r of report.repairs.slice(0, 20))
      console.log(`    ${r.organizationId} ${r.metric} ${r.periodStart}: ${r.before ?? "missing"} → ${r.after}`);
    console.log(`  periods closed  ${report.periodsClosed.length}`);
    console.log(`  alerts raised   ${report.alertsRaised}`);
  }
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(err.message);
  process.exitCode = 2;
} finally {
  await database.close();
}
