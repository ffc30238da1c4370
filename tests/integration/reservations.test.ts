import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/connect";
import { rowsOf } from "@/db/types";
import { AppError } from "@/lib/errors";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { checkLimit } from "@/lib/usage/limits";
import {
  commitReservation,
  expireReservations,
  getReservation,
  releaseReservation,
  reserveUsage,
} from "@/lib/usage/reservations";
import { reconcileUsage } from "@/lib/usage/reconcile";
import { getUsageOverview } from "@/lib/usage/summary";
import { sql } from "drizzle-orm";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { countRows, createOrg, ensurePlans } from "./usage-fixtures";

/**
 * Reservations against the real database: grant, deny, replay, commit exactly once, release,
 * expiry, limit checks and the dashboard counting what is held, overage plans, and the race the
 * issue names: 1 unit left, 64 concurrent reservations from two app instances → exactly 1.
 */

let database: Database & { url: string | null };
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
  (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(database);
});
afterAll(async () => {
  (globalThis as unknown as { __appDatabase?: unknown }).__appDatabase = undefined;
  await database?.close();
});

/** A Pro organization whose usage period holds now, with `limit` executions a period. */
function proOrg(limit: number | null, plan: "pro" | "enterprise" = "pro") {
  const now = Date.now();
  return createOrg(database.db, {
    plan,
    period: { start: new Date(now - DAY), end: new Date(now + 29 * DAY) },
    limits: { maxExecutionsPerMonth: limit },
  });
}

async function record(orgId: string, quantity: number, key = `used-${Math.random()}`) {
  await ingestUsageEvents(database.db, orgId, [
    { idempotency_key: key, metric: "executions", quantity, occurred_at: new Date().toISOString() },
  ]);
}

const reserve = (orgId: string, amount: number, key: string, ttl_seconds?: number) =>
  reserveUsage(database.db, orgId, { metric: "executions", amount, idempotency_key: key, ttl_seconds });

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

async function recorded(orgId: string): Promise<number> {
  return (await checkLimit(database.db, orgId, "executions", 0)).used;
}

describe("reservations", () => {
  it("grants within the limit, refuses what would exceed it, and limit checks count what is held", async () => {
    const org = await proOrg(1_000);
    const a = await reserve(org.id, 600, "run-a");
    expect(a).toMatchObject({ allowed: true, status: "active", amount: 600, remaining: 400, overage: 0 });
    const b = await reserve(org.id, 500, "run-b");
    expect(b).toMatchObject({ allowed: false, status: "denied", remaining: 400 });
    expect(b.reason).toMatch(/over the Pro plan's limit of 1,000/);
    const check = await checkLimit(database.db, org.id, "executions", 500);
    expect(check).toMatchObject({ allowed: false, used: 0, reserved: 600, remaining: 400 });
    const overview = await getUsageOverview(database.db, org.id);
    expect(overview.metrics.find((m) => m.metric === "executions")).toMatchObject({
      used: 0,
      reserved: 600,
      remaining: 400,
    });
  });

  it("answers a replay with the same reservation, and the same key with other content with 409", async () => {
    const org = await proOrg(1_000);
    const first = await reserve(org.id, 300, "same-key");
    const again = await reserve(org.id, 300, "same-key");
    expect(again).toEqual(first);
    const err = await errorOf(reserve(org.id, 301, "same-key"));
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "idempotency_conflict", status: 409 });
    expect((err as AppError).message).toContain('"same-key"');
    expect((await checkLimit(database.db, org.id, "executions", 0)).reserved).toBe(300);
  });

  it("commits exactly once: the quantity becomes usage, the rest is released, a second commit changes nothing", async () => {
    const org = await proOrg(1_000);
    const r = await reserve(org.id, 600, "run-1");
    const committed = await commitReservation(database.db, org.id, r.id, { quantity: 450 });
    expect(committed).toMatchObject({ status: "committed", committed_quantity: 450 });
    expect(await recorded(org.id)).toBe(450);
    expect((await checkLimit(database.db, org.id, "executions", 0)).reserved).toBe(0);
    // Retries (a lost answer) and a double click: same answer, usage recorded once.
    const [x, y] = await Promise.all([
      commitReservation(database.db, org.id, r.id, { quantity: 450 }),
      commitReservation(database.db, org.id, r.id, { quantity: 450 }),
    ]);
    expect(x).toEqual(committed);
    expect(y).toEqual(committed);
    expect(await recorded(org.id)).toBe(450);
    expect(await countRows(database.db, "usage_events", org.id)).toBe(1);
    // Another quantity is a conflict; release after commit too; nothing changes.
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: 10 }))).toMatchObject({
      code: "idempotency_conflict",
    });
    expect(await errorOf(releaseReservation(database.db, org.id, r.id))).toMatchObject({ code: "conflict" });
    expect(await recorded(org.id)).toBe(450);
    // The space released is usable: 450 used + 550 = 1,000.
    expect(await reserve(org.id, 550, "run-2")).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("folds commits into counters and days exactly as a rebuild from the events finds them", async () => {
    const org = await proOrg(100_000);
    for (let i = 0; i < 6; i++) {
      const r = await reserve(org.id, 100, `fold-${i}`);
      await commitReservation(database.db, org.id, r.id, { quantity: 10 * i });
    }
    await record(org.id, 5);
    expect(await recorded(org.id)).toBe(155);
    // Quantity 0 records no event.
    expect(await countRows(database.db, "usage_events", org.id)).toBe(6);
    const now = new Date();
    const report = await reconcileUsage(database.db, {
      from: new Date(now.getTime() - 40 * DAY),
      to: now,
      organizationId: org.id,
      closePeriods: false,
      now,
    });
    expect(report.counters).toMatchObject({ repaired: 0, drift: 0 });
    expect(report.daily).toMatchObject({ upserted: 0, deleted: 0, drift: 0 });
  });

  it("refuses a commit whose event key was already used by another event, writing nothing", async () => {
    const org = await proOrg(1_000);
    const r = await reserve(org.id, 100, "taken-key");
    await ingestUsageEvents(database.db, org.id, [
      {
        idempotency_key: `reservation:${r.id}`,
        metric: "executions",
        quantity: 3,
        occurred_at: new Date().toISOString(),
      },
    ]);
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: 40 }))).toMatchObject({
      code: "idempotency_conflict",
    });
    expect(await getReservation(database.db, org.id, r.id)).toMatchObject({
      status: "active",
      committed_quantity: null,
    });
    expect(await recorded(org.id)).toBe(3);
  });

  it("raises the 80% and 100% usage alerts when commits cross them, once each", async () => {
    const org = await proOrg(1_000);
    const commit = async (key: string, quantity: number) =>
      commitReservation(database.db, org.id, (await reserve(org.id, quantity, key)).id, { quantity });
    await commit("alert-1", 700);
    expect(await countRows(database.db, "usage_alerts", org.id)).toBe(0);
    await commit("alert-2", 150);
    await commit("alert-3", 10);
    const thresholds = async () =>
      rowsOf<{ t: number; used: number }>(
        await database.db.execute(
          sql`select threshold_percent as t, used::int as used from usage_alerts where organization_id = ${org.id}::uuid order by 1`,
        ),
      );
    expect(await thresholds()).toEqual([{ t: 80, used: 850 }]);
    await commit("alert-4", 140);
    expect(await thresholds()).toEqual([
      { t: 80, used: 850 },
      { t: 100, used: 1_000 },
    ]);
  });

  it("refuses a commit above the amount held, and commits of denied or released reservations", async () => {
    const org = await proOrg(100);
    const r = await reserve(org.id, 50, "r1");
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: 51 }))).toMatchObject({
      code: "bad_request",
    });
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: -1 }))).toBeTruthy();
    const released = await releaseReservation(database.db, org.id, r.id);
    expect(released.status).toBe("released");
    expect(await releaseReservation(database.db, org.id, r.id)).toEqual(released);
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: 1 }))).toMatchObject({
      code: "conflict",
    });
    const denied = await reserve(org.id, 101, "too-big");
    expect(denied.allowed).toBe(false);
    expect(await errorOf(commitReservation(database.db, org.id, denied.id, { quantity: 1 }))).toMatchObject({
      code: "conflict",
    });
    expect(await recorded(org.id)).toBe(0);
  });

  it("never shows or touches another organization's reservation", async () => {
    const mine = await proOrg(100);
    const other = await proOrg(100);
    const r = await reserve(mine.id, 10, "k");
    for (const call of [
      () => getReservation(database.db, other.id, r.id),
      () => commitReservation(database.db, other.id, r.id, { quantity: 1 }),
      () => releaseReservation(database.db, other.id, r.id),
      () => getReservation(database.db, other.id, "not-a-uuid"),
    ])
      expect(await errorOf(call())).toMatchObject({ code: "not_found" });
    expect((await getReservation(database.db, mine.id, r.id)).status).toBe("active");
  });

  it("releases itself at expiry: what it held is usable again, and it can no longer be committed", async () => {
    const org = await proOrg(100);
    const r = await reserve(org.id, 100, "short", 1);
    expect((await reserve(org.id, 1, "blocked")).allowed).toBe(false);
    await new Promise((res) => setTimeout(res, 1_200));
    expect((await reserve(org.id, 100, "after-expiry")).allowed).toBe(true);
    expect((await getReservation(database.db, org.id, r.id)).status).toBe("expired");
    expect(await errorOf(commitReservation(database.db, org.id, r.id, { quantity: 5 }))).toMatchObject({
      code: "conflict",
    });
    expect((await expireReservations(database.db)).expired).toBeGreaterThanOrEqual(1);
    expect((await getReservation(database.db, org.id, r.id)).status).toBe("expired");
  });

  it("grants over the limit on an overage-priced plan and reports the overage", async () => {
    const org = await proOrg(1_000, "enterprise");
    await record(org.id, 900);
    const r = await reserve(org.id, 300, "big-run");
    expect(r).toMatchObject({ allowed: true, overage: 200, remaining: 0 });
    expect(r.reason).toMatch(/billed as overage/);
  });

  it("serves the routes over the platform API with the organization's key", async () => {
    const org = await proOrg(10);
    const post = (path: string, body: unknown) =>
      callApi(
        new Request(`http://test.local${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const created = await post("/api/v1/reservations", { metric: "executions", amount: 4, idempotency_key: "h1" });
    expect(created.status).toBe(200);
    const r = await created.json();
    expect(r).toMatchObject({ allowed: true, remaining: 6, status: "active" });
    expect(Date.parse(r.expires_at)).toBeGreaterThan(Date.now() + 800_000);
    const bad = await post("/api/v1/reservations", { metric: "agents", amount: 1, idempotency_key: "h2", extra: 1 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/metric must be executions/);
    const commit = await post(`/api/v1/reservations/${r.id}/commit`, { quantity: 3 });
    expect(await commit.json()).toMatchObject({ status: "committed", committed_quantity: 3 });
    const check = await post("/api/v1/limits/check", { metric: "executions", amount: 1 });
    expect(await check.json()).toMatchObject({ used: 3, reserved: 0, remaining: 7 });
    const missing = await post(`/api/v1/reservations/${crypto.randomUUID()}/release`, {});
    expect(missing.status).toBe(404);
  });
});

describe("a hard limit under concurrency", () => {
  it.runIf(Boolean(process.env.DATABASE_URL))(
    "1 unit left, 64 concurrent reservations from two app instances: exactly 1 granted, 20 times",
    async () => {
      const second = await openDatabase({ url: database.url!, max: 10 });
      try {
        for (let round = 0; round < 20; round++) {
          const org = await proOrg(100);
          await record(org.id, 99);
          const results = await Promise.all(
            Array.from({ length: 64 }, (_, i) =>
              reserveUsage(i % 2 === 0 ? database.db : second.db, org.id, {
                metric: "executions",
                amount: 1,
                idempotency_key: `race-${round}-${i}`,
              }),
            ),
          );
          expect(results.filter((r) => r.allowed)).toHaveLength(1);
          expect(results.filter((r) => !r.allowed)).toHaveLength(63);
          const held = await checkLimit(database.db, org.id, "executions", 0);
          expect(held.used + held.reserved).toBe(100);
        }
      } finally {
        await second.close();
      }
    },
    120_000,
  );
});

describe("property: granted reservations plus recorded usage never exceed a hard limit", () => {
  type Op =
    | { kind: "reserve"; amount: number }
    | { kind: "commit"; pick: number; share: number }
    | { kind: "release"; pick: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("reserve" as const), amount: fc.integer({ min: 1, max: 60 }) }),
    fc.record({
      kind: fc.constant("commit" as const),
      pick: fc.nat(),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
  );

  it("holds after every step of random reserve/commit/release sequences, some of them concurrent", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 150 }),
        fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        async (limit, steps) => {
          const org = await proOrg(limit);
          const granted: { id: string; amount: number }[] = [];
          let n = 0;
          for (const step of steps) {
            // The ops of one step run at the same time.
            await Promise.all(
              step.map(async (o) => {
                if (o.kind === "reserve") {
                  const r = await reserve(org.id, o.amount, `p-${n++}`);
                  if (r.allowed) granted.push({ id: r.id, amount: r.amount });
                } else if (granted.length > 0) {
                  const g = granted[o.pick % granted.length]!;
                  const call =
                    o.kind === "commit"
                      ? commitReservation(database.db, org.id, g.id, { quantity: Math.floor(g.amount * o.share) })
                      : releaseReservation(database.db, org.id, g.id);
                  await call.catch((e: unknown) => {
                    if (!(e instanceof AppError)) throw e;
                  });
                }
              }),
            );
            const c = await checkLimit(database.db, org.id, "executions", 0);
            expect(c.used + c.reserved).toBeLessThanOrEqual(limit);
            const [row] = rowsOf<{ n: number | string }>(
              await database.db.execute(
                sql`select coalesce(sum(coalesce(committed_quantity, amount)), 0) as n from usage_reservations
                  where organization_id = ${org.id}::uuid and status in ('active', 'committed')`,
              ),
            );
            expect(Number(row!.n)).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
