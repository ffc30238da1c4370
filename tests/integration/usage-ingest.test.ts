import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { AppError } from "@/lib/errors";
import { calendarMonth } from "@/lib/plans/period";
import { eq } from "drizzle-orm";
import { subscriptions } from "@/db/schema";
import { ingestGrouped } from "@/lib/usage/group-commit";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { reconcileUsage } from "@/lib/usage/reconcile";
import { createTestDatabase } from "../support/db";
import { countRows, counter, createOrg, dailyRows, ensurePlans, exec, gauge, type EventBody } from "./usage-fixtures";

let database: Database;
const now = new Date("2026-11-24T12:00:00Z");
const nov = calendarMonth(now);
const oct = calendarMonth(new Date("2026-10-15T00:00:00Z"));
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

async function zeroDrift(organizationId: string) {
  const report = await reconcileUsage(database.db, {
    from: new Date(now.getTime() - 40 * 86_400_000),
    to: now,
    organizationId,
    closePeriods: false,
    now,
  });
  return { daily: report.daily, counters: report.counters, repairs: report.repairs };
}

describe("ingest", () => {
  it("inserts a batch, folds it into counters and days, and a replay changes nothing", async () => {
    const org = await createOrg(database.db);
    const events = [
      exec("e1", at("2026-11-02T10:00:00Z"), 10),
      exec("e2", at("2026-11-02T11:00:00Z"), 5),
      exec("e3", at("2026-11-03T09:00:00Z"), 20),
      gauge("a1", "agents", at("2026-11-02T09:00:00Z"), 12),
      gauge("a2", "agents", at("2026-11-02T18:00:00Z"), 9),
    ];
    expect(await ingestUsageEvents(database.db, org.id, { events }, { now })).toEqual({ accepted: 5, duplicates: 0 });
    expect(await counter(database.db, org.id, "executions", nov.start)).toMatchObject({ value: 35, current: null });
    expect(await counter(database.db, org.id, "agents", nov.start)).toMatchObject({ value: 12, current: 9 });
    const days = await dailyRows(database.db, org.id);
    expect(days.find((d) => d.metric === "executions" && d.day === "2026-11-02")).toMatchObject({
      value: 15,
      eventCount: 2,
    });
    expect(days.find((d) => d.metric === "agents" && d.day === "2026-11-02")).toMatchObject({
      value: 12,
      lastValue: 9,
    });

    const before = { counters: await countRows(database.db, "usage_counters", org.id), days };
    expect(await ingestUsageEvents(database.db, org.id, { events }, { now })).toEqual({ accepted: 0, duplicates: 5 });
    expect(await counter(database.db, org.id, "executions", nov.start)).toMatchObject({ value: 35 });
    expect(await countRows(database.db, "usage_counters", org.id)).toBe(before.counters);
    expect(await dailyRows(database.db, org.id)).toEqual(before.days);

    // A batch that partly overlaps: only the new events count.
    const r = await ingestUsageEvents(
      database.db,
      org.id,
      [exec("e3", at("2026-11-03T09:00:00Z"), 20), exec("e4", at("2026-11-03T10:00:00Z"), 1)],
      { now },
    );
    expect(r).toEqual({ accepted: 1, duplicates: 1 });
    expect(await counter(database.db, org.id, "executions", nov.start)).toMatchObject({ value: 36 });
    expect(await zeroDrift(org.id)).toMatchObject({
      daily: { upserted: 0, deleted: 0, drift: 0 },
      counters: { repaired: 0, drift: 0 },
    });
  });

  it("refuses a key reused with other content: 409 idempotency_conflict naming the key, nothing written", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(database.db, org.id, [exec("k1", at("2026-11-02T10:00:00Z"), 10)], { now });
    const before = {
      counters: await counter(database.db, org.id, "executions", nov.start),
      days: await dailyRows(database.db, org.id),
    };
    const events = await countRows(database.db, "usage_events", org.id);
    for (const changed of [
      exec("k1", at("2026-11-02T10:00:00Z"), 11),
      exec("k1", at("2026-11-02T10:00:01Z"), 10),
      gauge("k1", "agents", at("2026-11-02T10:00:00Z"), 10),
    ]) {
      const err = await ingestUsageEvents(database.db, org.id, [exec("k2", at("2026-11-02T11:00:00Z"), 5), changed], {
        now,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "idempotency_conflict", status: 409, details: { idempotency_keys: ["k1"] } });
      expect((err as AppError).message).toContain('"k1"');
    }
    // Nothing written: the new event k2 of those batches is not there, counters unchanged.
    expect(await countRows(database.db, "usage_events", org.id)).toBe(events);
    expect(await counter(database.db, org.id, "executions", nov.start)).toEqual(before.counters);
    expect(await dailyRows(database.db, org.id)).toEqual(before.days);
    // The same content again is still a plain replay.
    expect(await ingestUsageEvents(database.db, org.id, [exec("k1", at("2026-11-02T10:00:00Z"), 10)], { now })).toEqual(
      {
        accepted: 0,
        duplicates: 1,
      },
    );
  });

  it("puts each event in its own usage period and UTC day", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(
      database.db,
      org.id,
      [exec("late-oct", at("2026-10-31T23:59:59Z"), 999), exec("nov-1", at("2026-11-01T00:00:00Z"), 1)],
      { now },
    );
    expect(await counter(database.db, org.id, "executions", oct.start)).toMatchObject({
      value: 999,
      periodEnd: oct.end,
    });
    expect(await counter(database.db, org.id, "executions", nov.start)).toMatchObject({ value: 1 });
    const days = await dailyRows(database.db, org.id);
    expect(days.map((d) => [d.day, d.value]).sort()).toEqual([
      ["2026-10-31", 999],
      ["2026-11-01", 1],
    ]);
  });

  it("uses the subscription's usage periods on a paid plan", async () => {
    const org = await createOrg(database.db, {
      plan: "pro",
      period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
    });
    await ingestUsageEvents(
      database.db,
      org.id,
      [exec("x1", at("2026-11-07T23:00:00Z"), 3), exec("x2", at("2026-11-08T01:00:00Z"), 4)],
      { now },
    );
    expect(await counter(database.db, org.id, "executions", at("2026-10-08T00:00:00Z"))).toMatchObject({ value: 3 });
    expect(await counter(database.db, org.id, "executions", at("2026-11-08T00:00:00Z"))).toMatchObject({ value: 4 });
    expect(await zeroDrift(org.id)).toMatchObject({ counters: { repaired: 0 }, daily: { upserted: 0 } });
  });

  it("sees a plan change made between two writes (the cached plan context is checked by each write)", async () => {
    const org = await createOrg(database.db, {
      plan: "pro",
      period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
    });
    // Both entry points: a batch (in a transaction) and a single event (group commit, on its own).
    await ingestUsageEvents(database.db, org.id, [exec("before", at("2026-11-20T10:00:00Z"), 3)], { now });
    await ingestGrouped(database.db, org.id, { events: [exec("before-1", at("2026-11-20T10:00:00Z"), 4)] }, { now });
    expect(await counter(database.db, org.id, "executions", at("2026-11-08T00:00:00Z"))).toMatchObject({ value: 7 });
    // The subscription moves to a period anchored on the 15th (e.g. a plan change).
    await database.db
      .update(subscriptions)
      .set({ currentPeriodStart: at("2026-11-15T00:00:00Z"), currentPeriodEnd: at("2026-12-15T00:00:00Z") })
      .where(eq(subscriptions.organizationId, org.id));
    await ingestGrouped(database.db, org.id, { events: [exec("after-1", at("2026-11-20T11:00:00Z"), 5)] }, { now });
    await ingestUsageEvents(database.db, org.id, [exec("after", at("2026-11-20T12:00:00Z"), 6)], { now });
    expect(await counter(database.db, org.id, "executions", at("2026-11-15T00:00:00Z"))).toMatchObject({
      value: 11,
      periodEnd: at("2026-12-15T00:00:00Z"),
    });
    expect(await counter(database.db, org.id, "executions", at("2026-11-08T00:00:00Z"))).toMatchObject({ value: 7 });
  });

  it("carries a gauge into a new period, keeps its maximum and moves current only forward", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(database.db, org.id, [gauge("g0", "gateways", at("2026-10-30T10:00:00Z"), 7)], { now });
    await ingestUsageEvents(database.db, org.id, [gauge("g1", "gateways", at("2026-11-02T10:00:00Z"), 3)], { now });
    expect(await counter(database.db, org.id, "gateways", nov.start)).toMatchObject({ value: 7, current: 3 });
    // An older report within the period raises the maximum but not the current value.
    await ingestUsageEvents(database.db, org.id, [gauge("g2", "gateways", at("2026-11-01T10:00:00Z"), 8)], { now });
    expect(await counter(database.db, org.id, "gateways", nov.start)).toMatchObject({ value: 8, current: 3 });
    expect(await zeroDrift(org.id)).toMatchObject({ counters: { repaired: 0, drift: 0 }, daily: { upserted: 0 } });
  });

  it("recomputes later periods when a late gauge report changes what they carried in", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(database.db, org.id, [gauge("s0", "storage_bytes", at("2026-10-21T13:00:00Z"), 5_000)], {
      now,
    });
    await ingestUsageEvents(database.db, org.id, [gauge("s1", "storage_bytes", at("2026-11-05T10:00:00Z"), 1_000)], {
      now,
    });
    expect(await counter(database.db, org.id, "storage_bytes", nov.start)).toMatchObject({
      value: 5_000,
      current: 1_000,
    });
    // Reported late: on Oct 30 storage had dropped to 2,000, so November carried in 2,000, not 5,000.
    await ingestUsageEvents(
      database.db,
      org.id,
      [gauge("s-late", "storage_bytes", at("2026-10-30T10:00:00Z"), 2_000)],
      { now },
    );
    expect(await counter(database.db, org.id, "storage_bytes", nov.start)).toMatchObject({
      value: 2_000,
      current: 1_000,
    });
    expect(await counter(database.db, org.id, "storage_bytes", oct.start)).toMatchObject({
      value: 5_000,
      current: 2_000,
    });
    expect(await zeroDrift(org.id)).toMatchObject({ counters: { repaired: 0, drift: 0 }, daily: { upserted: 0 } });
  });

  it("keeps the one inserted last when two gauge reports share a timestamp", async () => {
    const org = await createOrg(database.db);
    const t = at("2026-11-10T10:00:00Z");
    await ingestUsageEvents(database.db, org.id, [gauge("t1", "agents", t, 4), gauge("t2", "agents", t, 6)], { now });
    await ingestUsageEvents(database.db, org.id, [gauge("t3", "agents", t, 5)], { now });
    expect(await counter(database.db, org.id, "agents", nov.start)).toMatchObject({ value: 6, current: 5 });
    expect(await zeroDrift(org.id)).toMatchObject({ counters: { repaired: 0 }, daily: { upserted: 0 } });
  });
});

describe("validation", () => {
  async function rejected(body: unknown): Promise<AppError> {
    const org = await createOrg(database.db);
    const err = await ingestUsageEvents(database.db, org.id, body, { now }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect(await countRows(database.db, "usage_events", org.id)).toBe(0);
    expect(await countRows(database.db, "usage_counters", org.id)).toBe(0);
    expect(await countRows(database.db, "usage_daily", org.id)).toBe(0);
    return err as AppError;
  }

  it("writes nothing from a batch with one bad event, and says which event and why", async () => {
    const events: EventBody[] = Array.from({ length: 20 }, (_, i) => exec(`ok-${i}`, at("2026-11-20T10:00:00Z")));
    events[13] = { idempotency_key: "bad", metric: "executions", quantity: -4, occurred_at: "2026-11-20T10:00:00Z" };
    const err = await rejected({ events });
    expect(err.message).toContain("1 of 20 events are invalid");
    expect(err.details?.issues).toEqual([
      { index: 13, idempotency_key: "bad", message: "quantity must not be negative (got -4)." },
    ]);
  });

  it("lists every bad event: unknown metric, users, fractions, old, future, repeated keys, missing fields", async () => {
    const err = await rejected({
      events: [
        { idempotency_key: "a", metric: "tokens", quantity: 1, occurred_at: "2026-11-20T10:00:00Z" },
        { idempotency_key: "b", metric: "users", quantity: 1, occurred_at: "2026-11-20T10:00:00Z" },
        { idempotency_key: "c", metric: "executions", quantity: 1.5, occurred_at: "2026-11-20T10:00:00Z" },
        { idempotency_key: "d", metric: "executions", quantity: 1, occurred_at: "2026-10-01T10:00:00Z" },
        { idempotency_key: "e", metric: "executions", quantity: 1, occurred_at: "2026-11-24T12:06:00Z" },
        { idempotency_key: "f", metric: "agents", value: 3, occurred_at: "2026-11-20T10:00:00Z" },
        { idempotency_key: "f", metric: "agents", value: 4, occurred_at: "2026-11-20T10:00:00Z" },
        { metric: "executions", quantity: 1, occurred_at: "yesterday" },
        { idempotency_key: "g", metric: "agents", occurred_at: "2026-11-20T10:00:00Z" },
      ],
    });
    const issues = err.details?.issues as { index: number; message: string }[];
    expect(issues.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 6, 7, 8]);
    const msg = (i: number) => issues.find((x) => x.index === i)!.message;
    expect(msg(0)).toMatch(/unknown metric "tokens"/);
    expect(msg(1)).toMatch(/users is not ingested/);
    expect(msg(2)).toMatch(/whole number/);
    expect(msg(3)).toMatch(/more than 35 days old/);
    expect(msg(4)).toMatch(/in the future/);
    expect(msg(6)).toMatch(/repeats event #5/);
    expect(msg(7)).toMatch(/idempotency_key is required/);
    expect(msg(7)).toMatch(/ISO 8601/);
    expect(msg(8)).toMatch(/value is required for agents/);
  });

  it("refuses an empty batch, an oversize batch and a body that is not a batch", async () => {
    expect((await rejected({ events: [] })).message).toMatch(/empty/);
    const many = Array.from({ length: 1_001 }, (_, i) => exec(`k${i}`, at("2026-11-20T10:00:00Z")));
    expect((await rejected({ events: many })).message).toMatch(/at most 1,000/);
    expect((await rejected("hello")).message).toMatch(/JSON object/);
    expect((await rejected({ events: "nope" })).message).toMatch(/array/);
  });
});
