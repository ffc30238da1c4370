import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { rowsOf } from "@/db/types";
import { AppError } from "@/lib/errors";
import { ingestGrouped } from "@/lib/usage/group-commit";
import { reconcileUsage } from "@/lib/usage/reconcile";
import { createTestDatabase, onRealPostgres } from "../support/db";
import { createOrg, ensurePlans, type EventBody } from "./usage-fixtures";

/**
 * Property: for any interleaving of single-event requests (group commit), batches, replays of
 * the same content and reuses of a key with other content, sent all at once through the API's
 * entry point (ingestGrouped), the database ends up with each key stored at most once, every
 * answer agrees with what was stored, and the counters and daily roll-ups equal the stored
 * events exactly (so a rebuild from raw events repairs nothing).
 */

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase({ max: 12 });
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

const KEYS = 12;
const base = Date.now() - 3 * 3_600_000;

/** One event as a request would carry it: `variant` 1 is the key's other content (a conflict). */
type Ev = { key: number; variant: 0 | 1; gauge: boolean };

const body = (e: Ev): EventBody => {
  // Canonical content is a function of the key; the other variant differs in amount.
  const amount = e.key + 1 + e.variant * 100;
  const occurred_at = new Date(base + e.key * 997_000).toISOString();
  return e.gauge
    ? { idempotency_key: `g${e.key}`, metric: "agents", value: amount, occurred_at }
    : { idempotency_key: `k${e.key}`, metric: "executions", quantity: amount, occurred_at };
};

const evArb: fc.Arbitrary<Ev> = fc.record({
  key: fc.nat({ max: KEYS - 1 }),
  variant: fc.constantFrom<0 | 1>(0, 0, 0, 1),
  gauge: fc.nat({ max: 9 }).map((n) => n < 2),
});

/** A request: one event (grouped) or a batch of distinct keys (its own transaction). */
const requestArb = fc.oneof(
  { weight: 4, arbitrary: evArb.map((e) => [e]) },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(evArb, {
      minLength: 2,
      maxLength: 6,
      selector: (e) => `${e.gauge ? "g" : "k"}${e.key}`,
    }),
  },
);

type Stored = { key: string; metric: string; quantity: number };

async function storedEvents(orgId: string): Promise<Stored[]> {
  return rowsOf<{ key: string; metric: string; quantity: number | string }>(
    await database.db.execute(
      sql`select idempotency_key as key, metric::text as metric, quantity from usage_events where organization_id = ${orgId}`,
    ),
  ).map((r) => ({ key: r.key, metric: r.metric, quantity: Number(r.quantity) }));
}

async function rollups(orgId: string) {
  const [row] = rowsOf<{ counters: string | number; daily: string | number; daily_events: string | number }>(
    await database.db.execute(sql`select
      (select coalesce(sum(value), 0) from usage_counters where organization_id = ${orgId} and metric = 'executions') as counters,
      (select coalesce(sum(value), 0) from usage_daily where organization_id = ${orgId} and metric = 'executions') as daily,
      (select coalesce(sum(event_count), 0) from usage_daily where organization_id = ${orgId}) as daily_events`),
  );
  return { counters: Number(row!.counters), daily: Number(row!.daily), dailyEvents: Number(row!.daily_events) };
}

const amountOf = (e: EventBody) => e.quantity ?? e.value ?? 0;

describe("group commit, property", () => {
  it("any interleaving of single events, batches, replays and conflicts: counters = distinct stored events", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 40 }), async (requests) => {
        const org = await createOrg(database.db);
        const bodies = requests.map((events) => ({ events: events.map(body) }));
        const answers = await Promise.allSettled(bodies.map((b) => ingestGrouped(database.db, org.id, b)));

        const stored = await storedEvents(org.id);
        const byKey = new Map(stored.map((s) => [s.key, s]));
        // Each key at most once (the unique index says so; the answers must agree with it).
        expect(byKey.size).toBe(stored.length);

        let accepted = 0;
        answers.forEach((answer, i) => {
          const events = bodies[i]!.events;
          const matches = (e: EventBody) => byKey.get(e.idempotency_key)?.quantity === amountOf(e);
          if (answer.status === "fulfilled") {
            // Accepted or replayed: every event of the request is stored with this content.
            expect(answer.value.accepted + answer.value.duplicates).toBe(events.length);
            for (const e of events) expect(matches(e)).toBe(true);
            accepted += answer.value.accepted;
          } else {
            // Only a key reused with other content is refused, and it names such a key.
            const err = answer.reason as AppError;
            expect(err).toBeInstanceOf(AppError);
            expect(err.code).toBe("idempotency_conflict");
            const named = (err.details?.idempotency_keys as string[]) ?? [];
            expect(named.length).toBeGreaterThan(0);
            for (const k of named) {
              const sent = events.find((e) => e.idempotency_key === k)!;
              expect(matches(sent)).toBe(false);
            }
          }
        });
        // Exactly once: the stored events are exactly the ones some request was told were accepted.
        expect(accepted).toBe(stored.length);
        const executions = stored.filter((s) => s.metric === "executions").reduce((n, s) => n + s.quantity, 0);
        expect(await rollups(org.id)).toEqual({
          counters: executions,
          daily: executions,
          dailyEvents: stored.length,
        });

        // Replaying every accepted request changes nothing.
        const replays = await Promise.all(
          bodies.filter((_, i) => answers[i]!.status === "fulfilled").map((b) => ingestGrouped(database.db, org.id, b)),
        );
        for (const r of replays) expect(r.accepted).toBe(0);
        expect((await rollups(org.id)).counters).toBe(executions);

        // A rebuild from the raw events finds nothing to repair.
        const now = new Date();
        const report = await reconcileUsage(database.db, {
          from: new Date(now.getTime() - 2 * 86_400_000),
          to: new Date(now.getTime() + 60_000),
          organizationId: org.id,
          closePeriods: false,
          alerts: false,
          now,
        });
        expect(report.counters.drift).toBe(0);
        expect(report.daily.drift).toBe(0);
      }),
      { numRuns: onRealPostgres() ? 25 : 4 },
    );
  }, 300_000);
});
