import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { rowsOf } from "@/db/types";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { reconcileUsage } from "@/lib/usage/reconcile";
import { createTestDatabase, onRealPostgres } from "../support/db";
import { countRows, createOrg, ensurePlans, exec, gauge, sumExecutions, type EventBody } from "./usage-fixtures";

/**
 * Many clients at once, with replayed keys (retries) racing the originals: counters must equal
 * the distinct events exactly, and a rebuild from raw events must find nothing to repair.
 */

let database: Database;
const now = new Date("2026-11-24T12:00:00Z");

beforeAll(async () => {
  database = await createTestDatabase({ max: 40 });
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

/** A deterministic pseudo-random stream, so a failure can be replayed. */
function rng(seed: number): () => number {
  let h = seed >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function batchesOf(sends: EventBody[], size: number): EventBody[][] {
  const out: EventBody[][] = [];
  let current: EventBody[] = [];
  let keys = new Set<string>();
  for (const e of sends) {
    if (current.length === size || keys.has(e.idempotency_key)) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(e);
    keys.add(e.idempotency_key);
  }
  if (current.length) out.push(current);
  return out;
}

async function run(opts: {
  clients: number;
  gaugeClients: number;
  events: number;
  replayShare: number;
  batch: number;
  seed: number;
}) {
  const rand = rng(opts.seed);
  const org = await createOrg(database.db, { plan: "enterprise", limits: { maxExecutionsPerMonth: null } });
  const distinct = Math.round(opts.events * (1 - opts.replayShare));
  const span = 30 * 86_400_000;
  const execs: EventBody[] = [];
  const gauges: EventBody[] = [];
  const metrics = ["agents", "gateways", "storage_bytes"] as const;
  for (let i = 0; i < distinct; i++) {
    const when = new Date(now.getTime() - Math.floor(rand() * span));
    if (rand() < 0.1) gauges.push(gauge(`g-${i}`, metrics[i % 3]!, when, Math.floor(rand() * 1_000)));
    else execs.push(exec(`e-${i}`, when, 1));
  }
  const withReplays = (pool: EventBody[], share: number) => {
    const sends = [...pool];
    const replays = Math.round((pool.length * share) / (1 - share));
    for (let i = 0; i < replays; i++) sends.push(pool[Math.floor(rand() * pool.length)]!);
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    return sends;
  };
  const split = (sends: EventBody[], n: number) =>
    Array.from({ length: n }, (_, c) => sends.filter((_, i) => i % n === c));
  const clients = [
    ...split(withReplays(execs, opts.replayShare), opts.clients - opts.gaugeClients),
    ...split(withReplays(gauges, opts.replayShare), opts.gaugeClients),
  ];
  const sent = clients.reduce((n, c) => n + c.length, 0);

  const results = await Promise.all(
    clients.map(async (sends) => {
      let accepted = 0;
      let duplicates = 0;
      for (const batch of batchesOf(sends, opts.batch)) {
        const r = await ingestUsageEvents(database.db, org.id, { events: batch }, { now });
        accepted += r.accepted;
        duplicates += r.duplicates;
      }
      return { accepted, duplicates };
    }),
  );
  const accepted = results.reduce((n, r) => n + r.accepted, 0);
  const duplicates = results.reduce((n, r) => n + r.duplicates, 0);

  expect(accepted).toBe(distinct);
  expect(duplicates).toBe(sent - distinct);
  expect(await countRows(database.db, "usage_events", org.id)).toBe(distinct);
  expect(await sumExecutions(database.db, org.id)).toBe(execs.length);
  const totals = rowsOf<{ counters: number | string; days: number | string }>(
    await database.db.execute(sql`select
      (select sum(value) from usage_counters where organization_id = ${org.id}::uuid and metric = 'executions') as counters,
      (select sum(value) from usage_daily where organization_id = ${org.id}::uuid and metric = 'executions') as days`),
  )[0]!;
  expect(Number(totals.counters)).toBe(execs.length);
  expect(Number(totals.days)).toBe(execs.length);

  const report = await reconcileUsage(database.db, {
    from: new Date(now.getTime() - span - 86_400_000),
    to: now,
    organizationId: org.id,
    closePeriods: false,
    now,
  });
  expect(report.counters).toMatchObject({ repaired: 0, drift: 0 });
  expect(report.daily).toMatchObject({ upserted: 0, deleted: 0, drift: 0 });
  return { sent, distinct };
}

describe("concurrent ingest", () => {
  it.skipIf(!onRealPostgres())(
    "32 clients, 20,000 events, 10% replayed: counters equal the distinct events exactly",
    async () => {
      const { sent } = await run({
        clients: 32,
        gaugeClients: 4,
        events: 20_000,
        replayShare: 0.1,
        batch: 125,
        seed: 42,
      });
      expect(sent).toBeGreaterThanOrEqual(19_900);
    },
    180_000,
  );

  it("8 clients, 2,000 events, 10% replayed (the small version, any database)", async () => {
    await run({ clients: 8, gaugeClients: 2, events: 2_000, replayShare: 0.1, batch: 50, seed: 7 });
  }, 180_000);
});
