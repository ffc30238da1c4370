import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { jobState, organizations, plans, stripeEvents, subscriptions } from "@/db/schema";
import { installAppJobRunner, sharedMemory, startJobsThread, stopAppJobRunner, type JobsThread } from "@/lib/jobs";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { signWebhookPayload } from "@/lib/stripe/webhooks";
import { receiveStripeWebhook, recordStripeEvent, WEBHOOK_JOB } from "@/lib/webhooks";
import { startEmulator, type RunningEmulator } from "@agentbill/stripe-emulator";
import { createTestDatabase, onRealPostgres } from "../support/db";
import { FIXTURE_IDS, fixtureEvent } from "../support/stripe-fixtures";

/**
 * The scheduled jobs in a thread of the app's process (lib/jobs/thread.ts): the thread's entry
 * as `npm start` runs it (dist/jobs-thread.cjs, bundled here by scripts/build-server.mjs into a
 * folder of this test's own), with a production environment, on its own pool of a PostgreSQL
 * database. A pending event stored without a kick is applied by the thread's runner; one the
 * receiver (this thread) stores is applied at once: its kick reaches the thread.
 */
const real = onRealPostgres();
const OUT = path.join("dist", `test-jobs-thread-${process.pid}`);
const SECRET = `whsec_${"t".repeat(32)}`;
let database: Database & { url: string | null };
let emulator: RunningEmulator;
let thread: JobsThread;
let threadEnv: NodeJS.ProcessEnv;
const entry = () => path.resolve(OUT, "jobs-thread.cjs");

beforeAll(async () => {
  if (!real) return;
  const built = spawnSync(process.execPath, ["scripts/build-server.mjs", "--outdir", OUT], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`build-server failed: ${built.stderr}`);
  database = await createTestDatabase({ max: 2 });
  const db = database.db;
  await syncPlanCatalog(db);
  await db.update(plans).set({ stripePriceMonthlyId: FIXTURE_IDS.price }).where(eq(plans.id, "pro"));
  const [org] = await db
    .insert(organizations)
    .values({ slug: "thread-co", name: "Thread Co", stripeCustomerId: FIXTURE_IDS.customer })
    .returning();
  await db.insert(subscriptions).values({
    organizationId: org!.id,
    planId: "free",
    currentPeriodStart: new Date("2024-07-01T00:00:00Z"),
    currentPeriodEnd: new Date("2024-08-01T00:00:00Z"),
  });
  emulator = await startEmulator({ port: 0, webhookSecret: SECRET });
  threadEnv = {
    ...process.env,
    DATABASE_URL: database.url!,
    STRIPE_EMULATOR_PORT: String(emulator.port),
    STRIPE_SECRET_KEY: "",
    AUTH_SECRET: "t".repeat(40),
    CRON_SECRET: "u".repeat(40),
    STRIPE_WEBHOOK_SECRET: SECRET,
  };
  thread = startJobsThread({
    entry: entry(),
    workerData: { dev: false, dir: process.cwd(), shared: sharedMemory() },
    env: threadEnv,
  });
  // The receiver's kickJob goes to the process's runner: here, the thread.
  installAppJobRunner(thread);
});

afterAll(async () => {
  await stopAppJobRunner();
  await emulator?.stop();
  await database?.close();
  fs.rmSync(OUT, { recursive: true, force: true });
});

const statusOf = async (id: string) =>
  (await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0]?.status;
const lastStarted = async () =>
  (await database.db.select().from(jobState).where(eq(jobState.name, WEBHOOK_JOB)))[0]?.lastStartedAt ?? null;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

describe.skipIf(!real)("the jobs thread", () => {
  it("applies a stored pending event (its runner's own schedule, no kick)", async () => {
    await thread.ready();
    const event = fixtureEvent("customer.subscription.created");
    expect(await recordStripeEvent(database.db, event)).toBe("queued");
    await until(async () => (await statusOf(event.id)) === "processed", 15_000);
    expect(await lastStarted()).not.toBeNull();
  });

  it("the receiver's kick reaches it: an event it stores is applied at once, before the job is due", async () => {
    // The job ran a moment ago (previous test) and is next due 10 s after that run started.
    const before = (await lastStarted())!;
    expect(Date.now() - before.getTime()).toBeLessThan(4_000);
    const base = fixtureEvent("customer.subscription.updated");
    const event = { ...base, id: "evt_thread_kick_1", created: base.created + 60 };
    const body = JSON.stringify(event);
    const receipt = await receiveStripeWebhook(body, signWebhookPayload(body, SECRET), {
      db: database.db,
      secret: SECRET,
    });
    expect(receipt).toEqual({ status: 200, body: { received: true, outcome: "queued" } });
    // Not due for another 6 s at least: applied within 5 s, it ran because it was kicked.
    await until(async () => (await statusOf(event.id)) === "processed", 5_000);
    const after = (await lastStarted())!;
    // A run that started less than the job's interval after the previous one was forced: the kick.
    expect(after.getTime()).toBeGreaterThan(before.getTime());
    expect(after.getTime() - before.getTime()).toBeLessThan(10_000);
    expect(thread.starts()).toBe(1);
  });

  it("checks the configuration as the server does: a production secret missing ends the thread, named, and it is started again", async () => {
    const log: string[] = [];
    const broken = startJobsThread({
      entry: entry(),
      workerData: { dev: false, dir: process.cwd(), shared: sharedMemory() },
      env: { ...threadEnv, AUTH_SECRET: "" },
      log: (line) => log.push(line),
      backoff: { firstMs: 100, maxMs: 100, stableMs: 60_000 },
    });
    try {
      await until(async () => broken.starts() >= 2, 15_000);
      expect(log.join("\n")).toContain("AUTH_SECRET is required in production");
      expect(log.join("\n")).toContain("starting it again in 100 ms");
    } finally {
      await broken.stop();
    }
  });
});
