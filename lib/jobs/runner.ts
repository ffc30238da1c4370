import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { jobState } from "@/db/schema";
import { rowsOf } from "@/db/types";
import { describeFailure } from "./failure";
import { getJob, registeredJobs, type RegisteredJob } from "./registry";

/**
 * One small runner per app process, started at server start-up (lib/server/startup.ts). Every
 * tick it tries the jobs that are due. Of several instances exactly one runs a given job at a
 * time — the one that takes its PostgreSQL advisory lock (held by a transaction for the run, so
 * a crashed instance releases it) — and a job runs at most once per interval across all of
 * them: its shared state (job_state) says when it last started. On the embedded database there
 * is one process by construction, and no lock is needed.
 */

/** The advisory lock's first key; the second is hashtext(job name). Whoever holds it leads the job. */
export const LOCK_JOBS = 72741;

export type JobOutcome =
  | { outcome: "succeeded"; result: Record<string, unknown> | null; durationMs: number }
  | { outcome: "failed"; error: string; durationMs: number }
  | { outcome: "busy" } // another instance holds the job's lock
  | { outcome: "not_due"; dueAt: Date };

type Db = Pick<Database, "db" | "kind">;

async function shouldRun(database: Db, job: RegisteredJob, now: Date, force: boolean): Promise<Date | null> {
  if (force) return null;
  const [row] = await database.db
    .select({ last: jobState.lastStartedAt })
    .from(jobState)
    .where(eq(jobState.name, job.name));
  if (!row?.last) return null;
  const dueAt = new Date(row.last.getTime() + job.everyMs);
  return dueAt.getTime() > now.getTime() + 50 ? dueAt : null;
}

async function execute(
  database: Db,
  job: RegisteredJob,
  opts: { force: boolean; signal: AbortSignal; now: () => Date },
): Promise<JobOutcome> {
  const startedAt = opts.now();
  const dueAt = await shouldRun(database, job, startedAt, opts.force);
  if (dueAt) return { outcome: "not_due", dueAt };
  const { db } = database;
  const base = { everyMs: job.everyMs, lateAfterMs: job.lateAfterMs, updatedAt: startedAt };
  await db
    .insert(jobState)
    .values({ name: job.name, ...base, lastStartedAt: startedAt, lastStatus: "running" })
    .onConflictDoUpdate({ target: jobState.name, set: { ...base, lastStartedAt: startedAt, lastStatus: "running" } });
  const t0 = performance.now();
  try {
    const result = (await job.run({ db, kind: database.kind, now: startedAt, signal: opts.signal })) ?? null;
    const durationMs = Math.round(performance.now() - t0);
    const finished = opts.now();
    await db
      .update(jobState)
      .set({
        lastFinishedAt: finished,
        lastSuccessAt: finished,
        lastStatus: "succeeded",
        lastDurationMs: durationMs,
        lastResult: result,
        lastError: null,
        lastErrorDetail: null,
        consecutiveFailures: 0,
        updatedAt: finished,
      })
      .where(eq(jobState.name, job.name));
    return { outcome: "succeeded", result, durationMs };
  } catch (err) {
    const durationMs = Math.round(performance.now() - t0);
    const failure = describeFailure(err);
    console.error(`[jobs] ${job.name} failed: ${failure.message}`);
    await db
      .update(jobState)
      .set({
        lastFinishedAt: opts.now(),
        lastStatus: "failed",
        lastDurationMs: durationMs,
        lastError: failure.message,
        lastErrorDetail: failure.detail,
        consecutiveFailures: sql`${jobState.consecutiveFailures} + 1`,
        updatedAt: opts.now(),
      })
      .where(eq(jobState.name, job.name))
      .catch(() => undefined); // the database itself may be what failed
    return { outcome: "failed", error: failure.message, durationMs };
  }
}

/**
 * Run one job now if this instance can lead it and it is due (`force`: due or not, e.g. a
 * webhook arrived). Tests and tools call this directly; the runner calls it on its ticks.
 */
export async function runJob(
  database: Db,
  nameOrJob: string | RegisteredJob,
  opts: { force?: boolean; signal?: AbortSignal; now?: () => Date } = {},
): Promise<JobOutcome> {
  const job = typeof nameOrJob === "string" ? getJob(nameOrJob) : nameOrJob;
  if (!job) throw new Error(`No job named ${String(nameOrJob)} is registered.`);
  const run = {
    force: opts.force ?? false,
    signal: opts.signal ?? new AbortController().signal,
    now: opts.now ?? (() => new Date()),
  };
  if (database.kind === "pglite") return execute(database, job, run);
  // The lock lives as long as this transaction: the job's own work runs on other connections.
  return database.db.transaction(async (lockTx) => {
    const [row] = rowsOf<{ ok: boolean }>(
      await lockTx.execute(sql`select pg_try_advisory_xact_lock(${LOCK_JOBS}, hashtext(${job.name})) as ok`),
    );
    if (!row?.ok) return { outcome: "busy" } as const;
    return execute(database, job, run);
  });
}

export type JobRunner = {
  /** Run a job as soon as possible, due or not (a webhook just arrived). */
  kick(name: string): void;
  stop(): Promise<void>;
};

type Slot = { nextDue: number; running: Promise<void> | null; force: boolean; again: boolean };

export function startJobRunner(database: Db, opts: { tickMs?: number; log?: (line: string) => void } = {}): JobRunner {
  const tickMs = opts.tickMs ?? 1_000;
  const log = opts.log ?? ((line: string) => console.warn(line));
  const controller = new AbortController();
  const slots = new Map<string, Slot>();
  const slotOf = (name: string) => {
    let s = slots.get(name);
    if (!s)
      slots.set(
        name,
        (s = { nextDue: Date.now() + Math.round(Math.random() * 1_000), running: null, force: false, again: false }),
      );
    return s;
  };

  const start = (job: RegisteredJob, slot: Slot) => {
    const force = slot.force;
    slot.force = false;
    slot.running = runJob(database, job, { force, signal: controller.signal })
      .then((r) => {
        slot.nextDue =
          r.outcome === "not_due"
            ? r.dueAt.getTime()
            : r.outcome === "busy"
              ? Date.now() + Math.min(job.everyMs, 30_000)
              : Date.now() + job.everyMs;
      })
      .catch((err: unknown) => {
        // The lock or the state could not be read (the database is away): try again next interval.
        log(`[jobs] ${job.name} could not start: ${describeFailure(err).message}`);
        slot.nextDue = Date.now() + Math.max(job.everyMs, 5_000);
      })
      .finally(() => {
        slot.running = null;
        if (slot.again && !controller.signal.aborted) {
          slot.again = false;
          slot.force = true;
          slot.nextDue = 0;
          tick();
        }
      });
  };

  const tick = () => {
    if (controller.signal.aborted) return;
    const now = Date.now();
    for (const job of registeredJobs()) {
      const slot = slotOf(job.name);
      if (!slot.running && now >= slot.nextDue) start(job, slot);
    }
  };

  const timer = setInterval(tick, tickMs);
  timer.unref?.();
  return {
    kick(name) {
      const slot = slotOf(name);
      if (slot.running) slot.again = true;
      else {
        slot.force = true;
        slot.nextDue = 0;
        setImmediate(tick);
      }
    },
    async stop() {
      controller.abort();
      clearInterval(timer);
      await Promise.all([...slots.values()].map((s) => s.running));
    },
  };
}

const g = globalThis as unknown as { __jobRunner?: JobRunner };

/** The process's runner (started once at start-up; dev reloads keep it). */
export function startAppJobRunner(database: Db): JobRunner {
  g.__jobRunner ??= startJobRunner(database);
  return g.__jobRunner;
}

/** Make `runner` the process's (the jobs thread seen from the main thread: lib/jobs/thread.ts). */
export function installAppJobRunner(runner: JobRunner): JobRunner {
  g.__jobRunner ??= runner;
  return g.__jobRunner;
}

/** Shutdown: stop the process's runner (running jobs finish their unit of work) and forget it. */
export async function stopAppJobRunner(): Promise<void> {
  const runner = g.__jobRunner;
  g.__jobRunner = undefined;
  await runner?.stop();
}

/** Ask this process's runner to run a job soon; nothing happens where no runner was started (tests, scripts). */
export function kickJob(name: string): void {
  g.__jobRunner?.kick(name);
}
