import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/connect";
import { jobState } from "@/db/schema";
import { getSystemHealth } from "@/lib/admin/health";
import { jobsHealth, registerJob, runJob, startJobRunner, type JobDefinition } from "@/lib/jobs";
import { createTestDatabase, onRealPostgres } from "../support/db";

/**
 * Issue #13: scheduled jobs run inside the app — one runner a process, and of several
 * instances exactly one runs each job (a PostgreSQL advisory lock), at most once per interval
 * across all of them; health is degraded when a job is late or failing.
 */
const real = onRealPostgres();
let first: Database & { url: string | null };
let second: Database | null = null;

beforeAll(async () => {
  first = await createTestDatabase();
  // A second app instance on the same database (its own pool).
  if (first.url) second = await openDatabase({ url: first.url, max: 4 });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

const state = async (name: string) =>
  (await first.db.select().from(jobState).where(eq(jobState.name, name)))[0] ?? null;

function countingJob(name: string, opts: Partial<JobDefinition> & { holdMs?: number } = {}) {
  const calls: Date[] = [];
  const def: JobDefinition = {
    name,
    everyMs: opts.everyMs ?? 60_000,
    run:
      opts.run ??
      (async ({ now }) => {
        calls.push(now);
        if (opts.holdMs) await new Promise((r) => setTimeout(r, opts.holdMs));
        return { calls: calls.length };
      }),
  };
  registerJob(def);
  return { calls, name };
}

describe("leadership", () => {
  it.skipIf(!real)("of two instances exactly one runs a job at a time, and once per interval", async () => {
    const job = countingJob("test.lead", { holdMs: 300 });
    const outcomes = await Promise.all([runJob(first, job.name), runJob(second!, job.name)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["busy", "succeeded"]);
    expect(job.calls).toHaveLength(1);
    // The other instance, a moment later: not due until the interval has passed.
    const again = await runJob(second!, job.name);
    expect(again.outcome).toBe("not_due");
    expect(job.calls).toHaveLength(1);
    const later = await runJob(second!, job.name, { now: () => new Date(Date.now() + 61_000) });
    expect(later.outcome).toBe("succeeded");
    expect(job.calls).toHaveLength(2);
    expect(await state(job.name)).toMatchObject({ lastStatus: "succeeded", consecutiveFailures: 0, everyMs: 60_000 });
  });

  it.skipIf(!real)("runners of several instances started together run a job once per interval", async () => {
    const job = countingJob("test.runners", { everyMs: 400 });
    const runners = [startJobRunner(first, { tickMs: 50 }), startJobRunner(second!, { tickMs: 50 })];
    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all(runners.map((r) => r.stop()));
    // ~1.5 s / 400 ms: a handful of runs in all, never two in one interval.
    expect(job.calls.length).toBeGreaterThanOrEqual(2);
    expect(job.calls.length).toBeLessThanOrEqual(5);
    const gaps = job.calls.slice(1).map((t, i) => t.getTime() - job.calls[i]!.getTime());
    expect(gaps.every((g) => g >= 350)).toBe(true);
  });

  it("a kick runs a job at once, due or not", async () => {
    const job = countingJob("test.kick", { everyMs: 3_600_000 });
    await runJob(first, job.name);
    expect(job.calls).toHaveLength(1);
    const runner = startJobRunner(first, { tickMs: 20 });
    await new Promise((r) => setTimeout(r, 200));
    expect(job.calls).toHaveLength(1); // not due for an hour
    runner.kick(job.name);
    await new Promise((r) => setTimeout(r, 300));
    await runner.stop();
    expect(job.calls).toHaveLength(2);
  });
});

describe("health", () => {
  it("a failing job is recorded as a sentence with its detail, and degrades health", async () => {
    registerJob({
      name: "test.fails",
      everyMs: 60_000,
      run: async ({ db }) => {
        await db.execute(sql`select * from table_that_is_not_there`);
      },
    });
    expect(await runJob(first, "test.fails")).toMatchObject({ outcome: "failed" });
    expect(await runJob(first, "test.fails", { force: true })).toMatchObject({ outcome: "failed" });
    const row = (await state("test.fails"))!;
    expect(row).toMatchObject({ lastStatus: "failed", consecutiveFailures: 2 });
    expect(row.lastError).toBe('The database refused a statement: relation "table_that_is_not_there" does not exist.');
    expect(row.lastErrorDetail).toContain("Failed query: select * from table_that_is_not_there");

    const health = await getSystemHealth(first.db, { stripe: { mode: "stripe", url: null }, uptimeSeconds: 10 });
    expect(health.status).toBe("degraded");
    const failing = health.jobs.list.find((j) => j.name === "test.fails")!;
    expect(failing.status).toBe("failing");
    expect(health.reasons).toContain(
      'The job test.fails failed 2 times in a row: The database refused a statement: relation "table_that_is_not_there" does not exist.',
    );
  });

  it("a job that has not succeeded for longer than it may is late; one that never ran is late once the app has been up that long", async () => {
    const now = new Date();
    registerJob({ name: "test.late", everyMs: 60_000, run: async () => ({}) });
    await first.db.insert(jobState).values({
      name: "test.late",
      everyMs: 60_000,
      lateAfterMs: 240_000,
      lastStartedAt: new Date(now.getTime() - 600_000),
      lastSuccessAt: new Date(now.getTime() - 600_000),
      lastStatus: "succeeded",
    });
    registerJob({ name: "test.never", everyMs: 60_000, run: async () => ({}) });
    const list = await jobsHealth(first.db, { now, uptimeMs: 3_600_000 });
    expect(list.find((j) => j.name === "test.late")).toMatchObject({
      status: "late",
      reason: "The job test.late last succeeded 10 minutes ago (it should every 1 min).",
    });
    expect(list.find((j) => j.name === "test.never")).toMatchObject({ status: "late" });
    const starting = await jobsHealth(first.db, { now, uptimeMs: 5_000 });
    expect(starting.find((j) => j.name === "test.never")!.status).toBe("waiting");
  });
});
