import "server-only";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { jobsHealth, type JobHealth } from "@/lib/jobs";
import {
  appVersion,
  ingestFacts,
  lastJobRun,
  migrationFacts,
  pingDatabase,
  probeHttp,
  timed,
  webhookFacts,
  withTimeout,
  type IngestFacts,
  type JobFacts,
  type MigrationFacts,
  type WebhookFacts,
} from "./health-checks";

/**
 * System health for staff: every probe runs at once with a short timeout, then each part is
 * judged ok / degraded / down / not checked, and the overall status is the worst of them with
 * one reason a line. The public /api/health stays minimal; this is behind platform admin.
 */

export type PartStatus = "ok" | "degraded" | "down" | "not_checked";
export type OverallStatus = "ok" | "degraded" | "down";

export const RECONCILE_JOB = "usage.reconcile";
/** Thresholds, named so the page can say what they are. */
export const HEALTH_LIMITS = {
  dbSlowMs: 250,
  stripeSlowMs: 1_000,
  probeTimeoutMs: 1_500,
  stripeTimeoutMs: 1_000,
  webhookBacklogSeconds: 300,
  reconcileStaleHours: 26,
} as const;

export type SystemHealth = {
  status: OverallStatus;
  reasons: string[];
  checkedAt: Date;
  durationMs: number;
  database: { status: PartStatus; latencyMs: number | null; error?: string };
  migrations: { status: PartStatus; facts: MigrationFacts | null; error?: string };
  stripe: {
    status: PartStatus;
    mode: "emulator" | "stripe";
    target: string | null;
    latencyMs: number | null;
    error?: string;
  };
  webhooks: { status: PartStatus; facts: WebhookFacts | null; oldestPendingSeconds: number | null; error?: string };
  reconciliation: {
    status: PartStatus;
    lastRun: JobFacts;
    summary: { label: string; value: number }[];
    error?: string;
  };
  ingest: {
    status: PartStatus;
    facts: IngestFacts | null;
    perMinute5m: number | null;
    perMinute15m: number | null;
    error?: string;
  };
  /** The scheduled jobs (lib/jobs): degraded when one is late or failing. */
  jobs: { status: PartStatus; list: JobHealth[]; error?: string };
  app: { version: string; uptimeSeconds: number; node: string };
};

/** Where to probe Stripe: the emulator's /health, or not at all (until lib/stripe offers a ping). */
export type StripeTarget = { mode: "emulator" | "stripe"; url: string | null };

export function defaultStripeTarget(): StripeTarget {
  const e = env();
  return e.useStripeEmulator
    ? { mode: "emulator", url: `http://127.0.0.1:${e.stripeEmulatorPort}/health` }
    : { mode: "stripe", url: null };
}

type Settled<T> = { ok: true; value: T; ms: number } | { ok: false; error: string };

async function settle<T>(fn: () => Promise<T>, what: string, timeoutMs: number): Promise<Settled<T>> {
  try {
    const { value, ms } = await timed(() => withTimeout(fn(), timeoutMs, what));
    return { ok: true, value, ms };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function getSystemHealth(
  db: Queryable,
  opts: {
    stripe?: StripeTarget;
    now?: Date;
    migrationsFolder?: string;
    limits?: Partial<Record<keyof typeof HEALTH_LIMITS, number>>;
    /** How long this app has been up (a job that never ran is late only after that long). */
    uptimeSeconds?: number;
  } = {},
): Promise<SystemHealth> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const stripeTarget = opts.stripe ?? defaultStripeTarget();
  const L: Record<keyof typeof HEALTH_LIMITS, number> = { ...HEALTH_LIMITS, ...opts.limits };
  const t = L.probeTimeoutMs;
  const uptimeSeconds = opts.uptimeSeconds ?? process.uptime();
  const [ping, migrations, webhooks, job, ingest, stripe, version, jobs] = await Promise.all([
    settle(() => pingDatabase(db), "the database", t),
    settle(() => migrationFacts(db, opts.migrationsFolder), "the migrations table", t),
    settle(() => webhookFacts(db), "the webhook table", t),
    settle(() => lastJobRun(db, RECONCILE_JOB), "the job table", t),
    settle(() => ingestFacts(db, now), "the usage table", t),
    stripeTarget.url ? timed(() => probeHttp(stripeTarget.url!, L.stripeTimeoutMs)) : Promise.resolve(null),
    appVersion(),
    settle(() => jobsHealth(db, { now, uptimeMs: uptimeSeconds * 1000 }), "the job state table", t),
  ]);

  const reasons: string[] = [];
  const judge = (status: PartStatus, reason?: string): PartStatus => {
    if ((status === "degraded" || status === "down") && reason) reasons.push(reason);
    return status;
  };

  const database: SystemHealth["database"] = ping.ok
    ? {
        status: judge(
          ping.ms > L.dbSlowMs ? "degraded" : "ok",
          `The database answered slowly (${ping.ms} ms; over ${L.dbSlowMs} ms).`,
        ),
        latencyMs: ping.ms,
      }
    : { status: judge("down", `The database is unreachable: ${ping.error}.`), latencyMs: null, error: ping.error };

  const migrationPart: SystemHealth["migrations"] = !migrations.ok
    ? {
        status: judge(
          ping.ok ? "degraded" : "not_checked",
          `Applied migrations could not be read: ${migrations.error}.`,
        ),
        facts: null,
        error: migrations.error,
      }
    : {
        status: judge(
          migrations.value.pending.length || migrations.value.unknown ? "degraded" : "ok",
          migrations.value.pending.length
            ? `${migrations.value.pending.length} migration(s) not applied: ${migrations.value.pending.join(", ")}. Run npm run db:migrate or restart the app.`
            : `The database has ${migrations.value.unknown} migration(s) this build doesn't know: is an older build running?`,
        ),
        facts: migrations.value,
      };

  const stripePart: SystemHealth["stripe"] = !stripe
    ? { status: "not_checked", mode: stripeTarget.mode, target: null, latencyMs: null }
    : stripe.value.ok
      ? {
          status: judge(stripe.ms > L.stripeSlowMs ? "degraded" : "ok", `Stripe answered slowly (${stripe.ms} ms).`),
          mode: stripeTarget.mode,
          target: stripeTarget.url,
          latencyMs: stripe.ms,
        }
      : {
          status: judge(
            "degraded",
            `The ${stripeTarget.mode === "emulator" ? "local Stripe emulator" : "Stripe API"} is unreachable (${stripe.value.error}): subscriptions and card changes will fail.`,
          ),
          mode: stripeTarget.mode,
          target: stripeTarget.url,
          latencyMs: null,
          error: stripe.value.error,
        };

  let webhookPart: SystemHealth["webhooks"];
  if (!webhooks.ok) {
    webhookPart = {
      status: judge(ping.ok ? "degraded" : "not_checked", `Webhook events could not be read: ${webhooks.error}.`),
      facts: null,
      oldestPendingSeconds: null,
      error: webhooks.error,
    };
  } else {
    const f = webhooks.value;
    const age = f.oldestPendingAt
      ? Math.max(0, Math.round((now.getTime() - f.oldestPendingAt.getTime()) / 1000))
      : null;
    const stale = age !== null && age > L.webhookBacklogSeconds;
    const problems = [
      f.failed ? `${f.failed} webhook event(s) failed` : null,
      stale ? `the oldest unprocessed webhook event is ${Math.round(age! / 60)} min old` : null,
    ].filter(Boolean);
    webhookPart = {
      status: judge(problems.length ? "degraded" : "ok", `${capitalize(problems.join("; "))}.`),
      facts: f,
      oldestPendingSeconds: age,
    };
  }

  let reconciliation: SystemHealth["reconciliation"];
  if (!job.ok) {
    reconciliation = {
      status: judge(ping.ok ? "degraded" : "not_checked", `Job runs could not be read: ${job.error}.`),
      lastRun: null,
      summary: [],
      error: job.error,
    };
  } else if (!job.value) {
    reconciliation = { status: "not_checked", lastRun: null, summary: [] };
  } else {
    const run = job.value;
    const hours = (now.getTime() - (run.finishedAt ?? run.startedAt).getTime()) / 3_600_000;
    const status: PartStatus = run.status === "failed" || hours > L.reconcileStaleHours ? "degraded" : "ok";
    reconciliation = {
      status: judge(
        status,
        run.status === "failed"
          ? `The last usage reconciliation failed: ${run.error ?? "no error recorded"}.`
          : `The last usage reconciliation was ${Math.round(hours)} hours ago (expected daily).`,
      ),
      lastRun: run,
      summary: reconcileSummary(run.details),
    };
  }

  const ingestPart: SystemHealth["ingest"] = ingest.ok
    ? {
        status: "ok",
        facts: ingest.value,
        perMinute5m: Math.round((ingest.value.last5m / 5) * 10) / 10,
        perMinute15m: Math.round((ingest.value.last15m / 15) * 10) / 10,
      }
    : {
        status: judge(ping.ok ? "degraded" : "not_checked", `Usage events could not be read: ${ingest.error}.`),
        facts: null,
        perMinute5m: null,
        perMinute15m: null,
        error: ingest.error,
      };

  const jobsPart: SystemHealth["jobs"] = !jobs.ok
    ? {
        status: judge(ping.ok ? "degraded" : "not_checked", `Scheduled jobs could not be read: ${jobs.error}.`),
        list: [],
        error: jobs.error,
      }
    : (() => {
        const troubled = jobs.value.filter((j) => j.status === "late" || j.status === "failing");
        for (const j of troubled) judge("degraded", j.reason ?? `The job ${j.name} is ${j.status}.`);
        return { status: troubled.length ? "degraded" : "ok", list: jobs.value };
      })();

  const parts = [
    jobsPart.status,
    database.status,
    migrationPart.status,
    stripePart.status,
    webhookPart.status,
    reconciliation.status,
    ingestPart.status,
  ];
  const status: OverallStatus = parts.includes("down") ? "down" : parts.includes("degraded") ? "degraded" : "ok";
  return {
    status,
    reasons,
    checkedAt: now,
    durationMs: Math.round(performance.now() - started),
    database,
    migrations: migrationPart,
    stripe: stripePart,
    webhooks: webhookPart,
    reconciliation,
    ingest: ingestPart,
    jobs: jobsPart,
    app: { version, uptimeSeconds: Math.round(uptimeSeconds), node: process.version },
  };
}

/** The figures of a reconciliation report worth a glance (lib/usage's report shape; unknown keys ignored). */
export function reconcileSummary(details: Record<string, unknown>): { label: string; value: number }[] {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const obj = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
  const daily = obj(details.daily);
  const counters = obj(details.counters);
  const closed = Array.isArray(details.periodsClosed) ? details.periodsClosed.length : null;
  const dailyRepaired =
    num(daily.upserted) !== null || num(daily.deleted) !== null
      ? (num(daily.upserted) ?? 0) + (num(daily.deleted) ?? 0)
      : null;
  const rows: [string, number | null][] = [
    ["Organizations checked", num(details.organizations)],
    ["Daily roll-ups repaired", dailyRepaired],
    ["Counters repaired", num(counters.repaired)],
    ["Counter drift (units)", num(counters.drift)],
    ["Periods closed", closed],
    ["Alerts raised", num(details.alertsRaised)],
  ];
  return rows.filter((r): r is [string, number] => r[1] !== null).map(([label, value]) => ({ label, value }));
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
