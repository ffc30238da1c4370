import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/connect";
import { rowsOf, type Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { checkLimit } from "@/lib/usage/limits";
import { commitReservation, releaseReservation, reserveUsage } from "@/lib/usage/reservations";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * The reservation calls release the organization's lock before the WAL flush (drizzle/0017):
 * the procedures `reserve_usage_call` and `commit_reservation_call` commit their work with
 * synchronous_commit off (visible at once, locks released), then flush the WAL through it in a
 * transaction of their own before answering. These tests hold the procedures to the functions'
 * answers, check that nothing of the asynchronous commit leaks into the session, that an open
 * transaction still gets the plain functions, and run mixed reserve/commit/release traffic from
 * two app instances against the rules: a hard limit is never exceeded, and usage is recorded
 * exactly once per commit.
 */

let database: Database & { url: string | null };
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

function proOrg(
  limit: number | null,
  period = { start: new Date(Date.now() - DAY), end: new Date(Date.now() + 29 * DAY) },
) {
  return createOrg(database.db, {
    plan: "pro",
    period,
    limits: { maxExecutionsPerMonth: limit },
  });
}

type CallRow = Record<string, unknown>;
const one = async (db: Queryable, q: ReturnType<typeof sql>) => rowsOf<CallRow>(await db.execute(q))[0]!;

describe("reserve_usage_call and commit_reservation_call", () => {
  it("answer what the functions answer: grant, replay, denial, commit, and a commit's replay", async () => {
    const start = new Date(Date.now() - DAY);
    const end = new Date(start.getTime() + 30 * DAY);
    const org = await proOrg(100, { start, end });
    const period = start.toISOString();
    const reserve = (key: string, amount: number) =>
      one(
        database.db,
        sql`call reserve_usage_call(${org.id}::uuid, 'executions', ${amount}::bigint, ${key}, 900, 100::bigint,
          false, ${period}::timestamptz)`,
      );
    const granted = await reserve("k1", 60);
    expect(granted).toMatchObject({ metric: "executions", status: "active", allowed: true, replay: false });
    expect(Number(granted.amount)).toBe(60);
    expect(Number(granted.used_before)).toBe(0);
    const replay = await reserve("k1", 60);
    expect(replay).toMatchObject({ id: granted.id, status: "active", replay: true });
    const denied = await reserve("k2", 41);
    expect(denied).toMatchObject({ status: "denied", allowed: false, replay: false });
    expect(Number(denied.used_before)).toBe(60);

    const now = new Date().toISOString();
    const commit = () =>
      one(
        database.db,
        sql`call commit_reservation_call(${org.id}::uuid, ${granted.id}::uuid, 25::bigint, ${now}::timestamptz,
          ${period}::timestamptz, ${end.toISOString()}::timestamptz)`,
      );
    const committed = await commit();
    expect(committed).toMatchObject({ id: granted.id, status: "committed", committed: true });
    expect(Number(committed.committed_quantity)).toBe(25);
    expect(Number(committed.counter_value)).toBe(25);
    expect(await commit()).toMatchObject({ status: "committed", committed: false, counter_value: null });
    expect(await checkLimit(database.db, org.id, "executions", 0)).toMatchObject({ used: 25, reserved: 0 });
  });

  it.runIf(Boolean(process.env.DATABASE_URL))(
    "leave the session's synchronous_commit as it was, also after a refused commit",
    async () => {
      const org = await proOrg(100);
      // One connection: the next statement runs on the session the procedures ran on.
      const single = await openDatabase({ url: database.url!, max: 1 });
      const setting = async () => String((await one(single.db, sql`show synchronous_commit`)).synchronous_commit);
      try {
        const r = await reserveUsage(single.db, org.id, { metric: "executions", amount: 5, idempotency_key: "s1" });
        expect(await setting()).toBe("on");
        await commitReservation(single.db, org.id, r.id, { quantity: 5 });
        expect(await setting()).toBe("on");
        // Refused inside the procedure (SQLSTATE AB409, before its COMMIT): rolled back with its setting.
        const taken = await reserveUsage(single.db, org.id, { metric: "executions", amount: 5, idempotency_key: "s2" });
        await ingestUsageEvents(single.db, org.id, [
          {
            idempotency_key: `reservation:${taken.id}`,
            metric: "executions",
            quantity: 1,
            occurred_at: new Date().toISOString(),
          },
        ]);
        await expect(commitReservation(single.db, org.id, taken.id, { quantity: 4 })).rejects.toMatchObject({
          code: "idempotency_conflict",
        });
        expect(await setting()).toBe("on");
      } finally {
        await single.close();
      }
    },
  );

  it("are not used inside an open transaction: there the functions run, and the caller's rollback undoes them", async () => {
    const org = await proOrg(100);
    await database.db
      .transaction(async (tx) => {
        const r = await reserveUsage(tx, org.id, { metric: "executions", amount: 7, idempotency_key: "in-tx" });
        expect(r).toMatchObject({ allowed: true, status: "active" });
        await commitReservation(tx, org.id, r.id, { quantity: 3 });
        expect((await checkLimit(tx, org.id, "executions", 0)).used).toBe(3);
        throw new Error("roll back");
      })
      .catch((e: unknown) => {
        if (!(e instanceof Error) || e.message !== "roll back") throw e;
      });
    expect(await checkLimit(database.db, org.id, "executions", 0)).toMatchObject({ used: 0, reserved: 0 });
  });
});

describe("property: mixed traffic from two app instances", () => {
  type Op =
    | { kind: "reserve"; amount: number; instance: 0 | 1 }
    | { kind: "pair"; amount: number; share: number; instance: 0 | 1 }
    | { kind: "release"; amount: number; instance: 0 | 1 };
  const instance = fc.constantFrom(0 as const, 1 as const);
  const amount = fc.integer({ min: 1, max: 40 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("reserve" as const), amount, instance }),
    fc.record({
      kind: fc.constant("pair" as const),
      amount,
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      instance,
    }),
    fc.record({ kind: fc.constant("release" as const), amount, instance }),
  );

  it.runIf(Boolean(process.env.DATABASE_URL))(
    "all at once: held + used never passes the limit, and the counter is the sum of the committed quantities",
    async () => {
      const second = await openDatabase({ url: database.url!, max: 10 });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 200 }),
            fc.array(op, { minLength: 1, maxLength: 48 }),
            async (limit, ops) => {
              const org = await proOrg(limit);
              const dbs = [database.db, second.db];
              const committed: number[] = [];
              let heldAtEnd = 0;
              await Promise.all(
                ops.map(async (o, i) => {
                  const db = dbs[o.instance]!;
                  const r = await reserveUsage(db, org.id, {
                    metric: "executions",
                    amount: o.amount,
                    idempotency_key: `mix-${i}`,
                  });
                  if (!r.allowed) return;
                  if (o.kind === "reserve") heldAtEnd += o.amount;
                  else if (o.kind === "release") await releaseReservation(db, org.id, r.id);
                  else {
                    const quantity = Math.floor(o.amount * o.share);
                    // Twice, from both instances at once: recorded once.
                    const [a, b] = await Promise.all(
                      dbs.map((d) => commitReservation(d, org.id, r.id, { quantity }).catch((e: unknown) => e)),
                    );
                    for (const x of [a, b]) if (x instanceof Error && !(x instanceof AppError)) throw x;
                    committed.push(quantity);
                  }
                }),
              );
              const c = await checkLimit(database.db, org.id, "executions", 0);
              expect(c.used).toBe(committed.reduce((s, q) => s + q, 0));
              expect(c.reserved).toBe(heldAtEnd);
              expect(c.used + c.reserved).toBeLessThanOrEqual(limit);
              const [granted] = rowsOf<{ n: number | string }>(
                await database.db.execute(
                  sql`select coalesce(sum(coalesce(committed_quantity, amount)), 0) as n from usage_reservations
                    where organization_id = ${org.id}::uuid and status in ('active', 'committed')`,
                ),
              );
              expect(Number(granted!.n)).toBeLessThanOrEqual(limit);
            },
          ),
          { numRuns: 30 },
        );
      } finally {
        await second.close();
      }
    },
    120_000,
  );
});
