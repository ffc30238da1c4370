import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { MIGRATIONS_FOLDER } from "@/db/connect";
import type { Db } from "@/db/types";
import { jobRuns, organizations, stripeEvents, usageEvents } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { getSystemHealth, RECONCILE_JOB } from "@/lib/admin";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { startEmulator, type RunningEmulator } from "@agentbill/stripe-emulator";
import { createTestDatabase } from "../support/db";

let database: Database;
let db: Db;
let emulator: RunningEmulator;

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await syncPlanCatalog(db);
  emulator = await startEmulator({ port: 0, webhookSecret: DEV_WEBHOOK_SECRET });
});
afterAll(async () => {
  await emulator?.stop();
  await database?.close();
});

const up = () => ({ mode: "emulator" as const, url: `${emulator.url}/health` });
/** Slowness is judged by wall time; these tests judge everything else, so they don't time anything. */
const patient = { dbSlowMs: Infinity, stripeSlowMs: Infinity, probeTimeoutMs: 60_000, stripeTimeoutMs: 10_000 };

describe("system health", () => {
  it("is ok with the database migrated and the emulator up", async () => {
    const h = await getSystemHealth(db, { stripe: up(), limits: patient });
    expect(h.reasons).toEqual([]);
    expect(h.status).toBe("ok");
    expect(h.database.status).toBe("ok");
    expect(h.database.latencyMs).not.toBeNull();
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    expect(h.migrations.facts).toMatchObject({
      applied: journal.entries.length,
      expected: journal.entries.length,
      pending: [],
      unknown: 0,
    });
    expect(h.stripe).toMatchObject({ status: "ok", mode: "emulator" });
    expect(h.reconciliation).toEqual({ status: "not_checked", lastRun: null, summary: [] });
    expect(h.app.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("is degraded, with the reason, when the emulator is not reachable", async () => {
    const port = await closedPort();
    const h = await getSystemHealth(db, {
      stripe: { mode: "emulator", url: `http://127.0.0.1:${port}/health` },
      limits: patient,
    });
    expect(h.status).toBe("degraded");
    expect(h.stripe.status).toBe("degraded");
    expect(h.stripe.error).toBe("ECONNREFUSED");
    expect(h.reasons).toEqual([expect.stringMatching(/^The local Stripe emulator is unreachable \(ECONNREFUSED\)/)]);
  });

  it("reports Stripe as not checked when there is nothing to probe", async () => {
    const h = await getSystemHealth(db, { stripe: { mode: "stripe", url: null }, limits: patient });
    expect(h.stripe.status).toBe("not_checked");
    expect(h.status).toBe("ok");
  });

  it("says which migrations are not applied", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
    fs.mkdirSync(path.join(dir, "meta"));
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string; when: number }[];
    };
    journal.entries.push({ tag: "9999_future", when: Date.now() + 1_000_000 } as (typeof journal.entries)[number]);
    fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(journal));
    const h = await getSystemHealth(db, { stripe: up(), migrationsFolder: dir, limits: patient });
    expect(h.migrations.status).toBe("degraded");
    expect(h.migrations.facts?.pending).toEqual(["9999_future"]);
    expect(h.reasons).toEqual([expect.stringContaining("1 migration(s) not applied: 9999_future")]);
    fs.rmSync(dir, { recursive: true });
  });

  it("counts the webhook backlog, the last reconciliation and the ingest rate", async () => {
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    await db.insert(stripeEvents).values([
      {
        id: "evt_ok",
        type: "invoice.paid",
        stripeCreated: 1,
        status: "processed",
        payload: {},
        receivedAt: minutesAgo(1),
      },
      {
        id: "evt_new",
        type: "invoice.paid",
        stripeCreated: 2,
        status: "pending",
        payload: {},
        receivedAt: minutesAgo(1),
      },
    ]);
    await db.insert(jobRuns).values({
      job: RECONCILE_JOB,
      status: "succeeded",
      startedAt: minutesAgo(30),
      finishedAt: minutesAgo(29),
      details: {
        organizations: 3,
        daily: { upserted: 2, deleted: 1, drift: 5 },
        counters: { repaired: 1, drift: 40 },
        periodsClosed: [],
      },
    });
    const [org] = await db
      .insert(organizations)
      .values({ slug: "health-co", name: "Health Co" })
      .returning({ id: organizations.id });
    await db.insert(usageEvents).values([
      {
        organizationId: org!.id,
        metric: "executions",
        quantity: 1,
        occurredAt: now,
        idempotencyKey: "h1",
        receivedAt: minutesAgo(2),
      },
      {
        organizationId: org!.id,
        metric: "executions",
        quantity: 1,
        occurredAt: now,
        idempotencyKey: "h2",
        receivedAt: minutesAgo(10),
      },
      {
        organizationId: org!.id,
        metric: "executions",
        quantity: 1,
        occurredAt: now,
        idempotencyKey: "h3",
        receivedAt: minutesAgo(60),
      },
    ]);
    const h = await getSystemHealth(db, { stripe: up(), now, limits: patient });
    expect(h.status).toBe("ok");
    expect(h.webhooks.facts).toMatchObject({ pending: 1, failed: 0 });
    expect(h.webhooks.facts?.lastReceivedAt).toBeInstanceOf(Date);
    expect(h.reconciliation.status).toBe("ok");
    expect(h.reconciliation.summary).toEqual([
      { label: "Organizations checked", value: 3 },
      { label: "Daily roll-ups repaired", value: 3 },
      { label: "Counters repaired", value: 1 },
      { label: "Counter drift (units)", value: 40 },
      { label: "Periods closed", value: 0 },
    ]);
    expect(h.ingest.facts).toEqual({ last5m: 1, last15m: 2 });

    await db.insert(stripeEvents).values([
      {
        id: "evt_bad",
        type: "customer.subscription.updated",
        stripeCreated: 3,
        status: "failed",
        attempts: 3,
        lastError: "boom",
        payload: {},
        receivedAt: minutesAgo(2),
      },
      {
        id: "evt_stuck",
        type: "invoice.paid",
        stripeCreated: 4,
        status: "pending",
        payload: {},
        receivedAt: minutesAgo(20),
      },
    ]);
    await db
      .insert(jobRuns)
      .values({ job: RECONCILE_JOB, status: "failed", startedAt: minutesAgo(5), error: "deadlock detected" });
    const bad = await getSystemHealth(db, { stripe: up(), now, limits: patient });
    expect(bad.status).toBe("degraded");
    expect(bad.reasons).toEqual([
      "1 webhook event(s) failed; the oldest unprocessed webhook event is 20 min old.",
      "The last usage reconciliation failed: deadlock detected.",
    ]);
  });
});
