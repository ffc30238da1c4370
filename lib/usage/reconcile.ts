import "server-only";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { jobRuns, organizations } from "@/db/schema";
import type { Db } from "@/db/types";
import { AppError } from "@/lib/errors";
import { alertCandidates, recordUsageAlerts } from "./alerts";
import { lockForRebuild } from "./ingest-sql";
import { closeEndedPeriods, type CloseResult } from "./period-close";
import { loadPlanContext } from "./plan-context";
import { knownPeriods } from "./period-carry";
import { rebuildCountersDetailed, rebuildDailyDetailed } from "./rollup";
import { getUsageOverview } from "./summary";

/**
 * Roll-up and reconciliation (npm run usage:reconcile, POST /api/cron/usage): recompute
 * usage_daily and usage_counters from usage_events over a window, repair drift and report it,
 * close usage periods that ended, and raise usage alerts. Each organization is rebuilt under its
 * exclusive usage lock, so ingest waits for it instead of racing it. Idempotent: a second run
 * repairs nothing.
 */

export const USAGE_JOB = "usage.reconcile";
const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 35;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "must be a date (2026-11-01) or an ISO timestamp.",
});
export const reconcileParamsSchema = z.object({
  days: z.coerce.number().int().min(1, "days must be at least 1.").max(400, "days must be at most 400.").optional(),
  from: instant.optional(),
  to: instant.optional(),
  organization: z.string().trim().min(1).max(100).optional(),
  close: z.enum(["0", "1", "true", "false"], { error: "close must be 0 or 1." }).optional(),
});
export type ReconcileParams = z.output<typeof reconcileParamsSchema>;

export type ReconcileOptions = {
  from: Date;
  to: Date;
  organizationId?: string;
  closePeriods: boolean;
  /** Raise usage alerts too (default true; the scheduled reconcile leaves them to the usage.alerts job). */
  alerts?: boolean;
  now: Date;
};

/** Turn parsed parameters into a window (default: the last 35 days up to now). */
export async function resolveReconcileOptions(
  db: Db,
  params: ReconcileParams,
  now = new Date(),
): Promise<ReconcileOptions> {
  const to = params.to ? new Date(params.to) : now;
  const from = params.from
    ? new Date(params.from)
    : new Date(to.getTime() - (params.days ?? DEFAULT_WINDOW_DAYS) * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new AppError("bad_request", "from must be before to.");
  if (to.getTime() - from.getTime() > 400 * DAY_MS)
    throw new AppError("bad_request", "The window can span at most 400 days.");
  let organizationId: string | undefined;
  if (params.organization) {
    const [org] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.slug, params.organization))
      .limit(1);
    if (!org) throw new AppError("not_found", `No organization with slug "${params.organization}".`);
    organizationId = org.id;
  }
  return { from, to, organizationId, closePeriods: params.close !== "0" && params.close !== "false", now };
}

export type CounterRepairRow = {
  organizationId: string;
  metric: string;
  periodStart: string;
  before: number | null;
  after: number;
};

export type ReconcileReport = {
  window: { from: string; to: string };
  organizations: number;
  daily: { checked: number; upserted: number; deleted: number; drift: number };
  /** repaired: rows whose stored value or current value differed from the events (or were missing although events exist). */
  counters: {
    checked: number;
    repaired: number;
    created: number;
    drift: number;
    driftByMetric: Record<string, number>;
  };
  repairs: CounterRepairRow[];
  periodsClosed: {
    organizationId: string;
    periodStart: string;
    periodEnd: string;
    costCents: number;
    currency: string;
  }[];
  alertsRaised: number;
};

export async function reconcileUsage(db: Db, opts: ReconcileOptions): Promise<ReconcileReport> {
  const orgs = await db
    .select({ id: organizations.id, createdAt: organizations.createdAt })
    .from(organizations)
    .where(opts.organizationId ? eq(organizations.id, opts.organizationId) : undefined)
    .orderBy(asc(organizations.createdAt), asc(organizations.id));
  const report: ReconcileReport = {
    window: { from: opts.from.toISOString(), to: opts.to.toISOString() },
    organizations: orgs.length,
    daily: { checked: 0, upserted: 0, deleted: 0, drift: 0 },
    counters: { checked: 0, repaired: 0, created: 0, drift: 0, driftByMetric: {} },
    repairs: [],
    periodsClosed: [],
    alertsRaised: 0,
  };
  for (const org of orgs) {
    const ctx = await loadPlanContext(db, org.id, opts.now);
    const periods = await knownPeriods(db, org.id, ctx.periodSource, opts.from, opts.to);
    await db.transaction(async (tx) => {
      await lockForRebuild(tx, org.id);
      const daily = await rebuildDailyDetailed(tx, { from: opts.from, to: opts.to, organizationId: org.id });
      report.daily.checked += daily.checked;
      report.daily.upserted += daily.upserted;
      report.daily.deleted += daily.deleted;
      report.daily.drift += daily.drift;
      for (const period of periods) {
        report.counters.checked += 4;
        for (const c of await rebuildCountersDetailed(tx, org.id, period)) {
          if (!c.existed && c.eventsInPeriod === 0) {
            report.counters.created += 1; // a period with no reports yet: materialised, not drift
            continue;
          }
          const size = Math.abs(c.after - (c.before ?? 0));
          report.counters.repaired += 1;
          report.counters.drift += size;
          report.counters.driftByMetric[c.metric] = (report.counters.driftByMetric[c.metric] ?? 0) + size;
          if (report.repairs.length < 100) {
            report.repairs.push({
              organizationId: org.id,
              metric: c.metric,
              periodStart: period.start.toISOString(),
              before: c.before,
              after: c.after,
            });
          }
        }
      }
    });
    if (opts.closePeriods) {
      const closed: CloseResult[] = await closeEndedPeriods(db, org, { now: opts.now, ctx });
      for (const r of closed) {
        report.periodsClosed.push({
          ...r,
          periodStart: r.periodStart.toISOString(),
          periodEnd: r.periodEnd.toISOString(),
        });
      }
    }
    if (opts.alerts !== false) report.alertsRaised += await raiseAlerts(db, org.id, opts.now);
  }
  return report;
}

/** Usage alerts one organization has crossed now (members and gauges too, which ingest can't see). */
async function raiseAlerts(db: Db, organizationId: string, now: Date): Promise<number> {
  const overview = await getUsageOverview(db, organizationId, now);
  const candidates = alertCandidates(
    overview.metrics.map((m) => ({
      metric: m.metric,
      periodStart: overview.usagePeriod.start,
      used: m.metric === "users" || m.metric === "executions" ? m.used : m.peak,
      limit: m.limit,
    })),
  );
  return (await recordUsageAlerts(db, organizationId, candidates)).length;
}

async function everyOrganization(db: Db): Promise<{ id: string; createdAt: Date }[]> {
  return db
    .select({ id: organizations.id, createdAt: organizations.createdAt })
    .from(organizations)
    .orderBy(asc(organizations.createdAt), asc(organizations.id));
}

/** The usage.alerts job: every organization's crossings of 80% and 100% (each recorded once per period). */
export async function raiseUsageAlerts(
  db: Db,
  opts: { now: Date; signal?: AbortSignal },
): Promise<{ organizations: number; alertsRaised: number }> {
  let alertsRaised = 0;
  const orgs = await everyOrganization(db);
  for (const org of orgs) {
    if (opts.signal?.aborted) break;
    alertsRaised += await raiseAlerts(db, org.id, opts.now);
  }
  return { organizations: orgs.length, alertsRaised };
}

/** The usage.period_close job: every organization's usage periods that ended and have no final record yet. */
export async function closeAllEndedPeriods(
  db: Db,
  opts: { now: Date; signal?: AbortSignal },
): Promise<{ organizations: number; periodsClosed: number }> {
  let periodsClosed = 0;
  const orgs = await everyOrganization(db);
  for (const org of orgs) {
    if (opts.signal?.aborted) break;
    periodsClosed += (await closeEndedPeriods(db, org, { now: opts.now })).length;
  }
  return { organizations: orgs.length, periodsClosed };
}

/** Run the job and record it in job_runs (running → succeeded | failed) for the admin health page. */
export async function runUsageJob(
  db: Db,
  opts: ReconcileOptions & { trigger: "cron" | "script" | "test" | "job" },
): Promise<{ runId: string; report: ReconcileReport }> {
  const [run] = await db
    .insert(jobRuns)
    .values({
      job: USAGE_JOB,
      status: "running",
      details: { trigger: opts.trigger, window: { from: opts.from.toISOString(), to: opts.to.toISOString() } },
    })
    .returning({ id: jobRuns.id });
  const runId = run!.id;
  try {
    const report = await reconcileUsage(db, opts);
    await db
      .update(jobRuns)
      .set({ status: "succeeded", finishedAt: new Date(), details: { trigger: opts.trigger, ...report } })
      .where(eq(jobRuns.id, runId));
    return { runId, report };
  } catch (err) {
    await db
      .update(jobRuns)
      .set({ status: "failed", finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) })
      .where(eq(jobRuns.id, runId));
    throw err;
  }
}
