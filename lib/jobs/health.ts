import "server-only";
import { inArray } from "drizzle-orm";
import { jobState, type JobStateRow } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { registeredJobs, type RegisteredJob } from "./registry";

export type JobHealthStatus = "ok" | "late" | "failing" | "waiting";

export type JobHealth = {
  name: string;
  everyMs: number;
  lateAfterMs: number;
  status: JobHealthStatus;
  /** One sentence when it is late or failing. */
  reason: string | null;
  state: Pick<
    JobStateRow,
    | "lastStartedAt"
    | "lastFinishedAt"
    | "lastSuccessAt"
    | "lastStatus"
    | "lastDurationMs"
    | "lastError"
    | "lastErrorDetail"
    | "consecutiveFailures"
    | "lastResult"
  > | null;
};

function every(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function ago(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${Math.round(ms / 3_600_000)} hours`;
  if (ms >= 2 * 60_000) return `${Math.round(ms / 60_000)} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}

/** Pure: how one job is doing at `now`, given its state and how long this app has been up. */
export function judgeJob(
  job: Pick<RegisteredJob, "name" | "everyMs" | "lateAfterMs">,
  state: JobStateRow | null,
  now: Date,
  uptimeMs: number,
): JobHealth {
  const base = { name: job.name, everyMs: job.everyMs, lateAfterMs: job.lateAfterMs, state };
  if (state?.lastStatus === "failed") {
    return {
      ...base,
      status: "failing",
      reason: `The job ${job.name} failed${state.consecutiveFailures > 1 ? ` ${state.consecutiveFailures} times in a row` : ""}: ${state.lastError ?? "no error recorded"}`,
    };
  }
  const since = state?.lastSuccessAt ?? null;
  if (!since) {
    if (uptimeMs < job.lateAfterMs) return { ...base, status: "waiting", reason: null };
    return {
      ...base,
      status: "late",
      reason: `The job ${job.name} has never run (it should every ${every(job.everyMs)}): is the job runner started?`,
    };
  }
  const age = now.getTime() - since.getTime();
  if (age > job.lateAfterMs && uptimeMs >= job.lateAfterMs) {
    return {
      ...base,
      status: "late",
      reason: `The job ${job.name} last succeeded ${ago(age)} ago (it should every ${every(job.everyMs)}).`,
    };
  }
  return { ...base, status: "ok", reason: null };
}

/** Every registered job, judged. */
export async function jobsHealth(
  db: Queryable,
  opts: { now: Date; uptimeMs: number; jobs?: RegisteredJob[] },
): Promise<JobHealth[]> {
  const jobs = opts.jobs ?? registeredJobs();
  if (jobs.length === 0) return [];
  const rows = await db
    .select()
    .from(jobState)
    .where(
      inArray(
        jobState.name,
        jobs.map((j) => j.name),
      ),
    );
  const byName = new Map(rows.map((r) => [r.name, r]));
  return jobs
    .map((j) => judgeJob(j, byName.get(j.name) ?? null, opts.now, opts.uptimeMs))
    .sort((a, b) => a.name.localeCompare(b.name));
}
