import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";

/**
 * A scheduled job: a "drain once" or "run once" function the runner calls when it is due.
 * Registering one is a one-liner (lib/jobs/schedule.ts):
 *
 *   registerJob({ name: "mail.outbox", everyMs: 5_000, run: ({ db }) => drainOutbox(db) });
 */
export type JobContext = {
  db: Db;
  kind: Database["kind"];
  now: Date;
  /** Aborted when the runner stops (shutdown): long jobs should stop between units of work. */
  signal: AbortSignal;
};

export type JobDefinition = {
  /** Dotted, stable: it keys the job's state and its lock ("usage.reconcile"). */
  name: string;
  /** How often it runs (at most once per interval across every instance). */
  everyMs: number;
  /** After how long without a successful run health says it is late (default: 3 intervals + 1 minute). */
  lateAfterMs?: number;
  /** Whatever it returns (a small JSON object) is kept as the last run's result for the health page. */
  run: (ctx: JobContext) => Promise<Record<string, unknown> | void>;
};

export type RegisteredJob = JobDefinition & { lateAfterMs: number };

const g = globalThis as unknown as { __jobRegistry?: Map<string, RegisteredJob> };
const registry = (g.__jobRegistry ??= new Map());

export function lateAfter(def: Pick<JobDefinition, "everyMs" | "lateAfterMs">): number {
  return def.lateAfterMs ?? def.everyMs * 3 + 60_000;
}

/** Register (or replace, e.g. on a dev reload) a job by name. */
export function registerJob(def: JobDefinition): void {
  if (!/^[a-z0-9_.-]+$/.test(def.name)) throw new Error(`Job name "${def.name}" must be lower-case dotted words.`);
  if (!(def.everyMs >= 100)) throw new Error(`Job ${def.name}: everyMs must be at least 100.`);
  registry.set(def.name, { ...def, lateAfterMs: lateAfter(def) });
}

export function registeredJobs(): RegisteredJob[] {
  return [...registry.values()];
}

export function getJob(name: string): RegisteredJob | undefined {
  return registry.get(name);
}
