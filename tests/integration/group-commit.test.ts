import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { AppError } from "@/lib/errors";
import { calendarMonth } from "@/lib/plans/period";
import { groupCommitStats, ingestGrouped } from "@/lib/usage/group-commit";
import { createTestDatabase } from "../support/db";
import { countRows, counter, createOrg, ensurePlans } from "./usage-fixtures";

/**
 * Group commit of single-event requests: concurrent requests share transactions, each gets its
 * own answer after its commit, and the counters are exact (exactly once, all or nothing).
 */

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

const at = () => new Date().toISOString();
const one = (key: string, quantity: number, occurred_at = at()) => ({
  events: [{ idempotency_key: key, metric: "executions", quantity, occurred_at }],
});

describe("group commit", () => {
  it("answers a bad body with a rejection, never a throw", async () => {
    const org = await createOrg(database.db);
    let answer: Promise<unknown> | undefined;
    expect(() => void (answer = ingestGrouped(database.db, org.id, { events: "nope" }))).not.toThrow();
    await expect(answer).rejects.toMatchObject({ code: "bad_request" });
    await expect(ingestGrouped(database.db, org.id, null)).rejects.toBeInstanceOf(AppError);
  });

  it("writes concurrent single events in shared transactions with exact counters and per-request answers", async () => {
    const org = await createOrg(database.db);
    const before = { ...groupCommitStats };
    const fixed = at();
    const requests = [
      ...Array.from({ length: 200 }, (_, i) => one(`g-${i}`, i + 1)),
      // The same event sent twice at once (a retry racing its original): one write.
      one("twice", 5, fixed),
      one("twice", 5, fixed),
      // An invalid event is its own 400, and does not spoil the others.
      { events: [{ idempotency_key: "bad", metric: "executions", quantity: -1, occurred_at: at() }] },
    ];
    const results = await Promise.allSettled(requests.map((body) => ingestGrouped(database.db, org.id, body)));
    const ok = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason as AppError);
    expect(failed.map((e) => e.code)).toEqual(["bad_request"]);
    expect(ok.filter((r) => r.accepted === 1)).toHaveLength(201);
    expect(ok.filter((r) => r.duplicates === 1)).toHaveLength(1);
    expect(await countRows(database.db, "usage_events", org.id)).toBe(201);
    const expected = (200 * 201) / 2 + 5;
    const month = calendarMonth(new Date());
    expect(await counter(database.db, org.id, "executions", month.start)).toMatchObject({ value: expected });
    // Grouped: far fewer transactions than requests.
    const groups = groupCommitStats.groups - before.groups;
    expect(groups).toBeGreaterThanOrEqual(2);
    expect(groups).toBeLessThan(100);
    expect(groupCommitStats.largest).toBeGreaterThan(1);
  });

  it("answers 409 to the request that reuses a key with other content, and commits the rest of its group", async () => {
    const org = await createOrg(database.db);
    const fixed = at();
    await ingestGrouped(database.db, org.id, one("k", 1, fixed));
    const results = await Promise.allSettled([
      ingestGrouped(database.db, org.id, one("k", 2, fixed)),
      ingestGrouped(database.db, org.id, one("k2", 3)),
      ingestGrouped(database.db, org.id, one("k3", 4)),
    ]);
    expect(results[0]).toMatchObject({ status: "rejected", reason: { code: "idempotency_conflict" } });
    expect(results[1]).toMatchObject({ status: "fulfilled", value: { accepted: 1, duplicates: 0 } });
    expect(results[2]).toMatchObject({ status: "fulfilled", value: { accepted: 1, duplicates: 0 } });
    const month = calendarMonth(new Date());
    expect(await counter(database.db, org.id, "executions", month.start)).toMatchObject({ value: 8 });
    expect(await countRows(database.db, "usage_events", org.id)).toBe(3);
  });

  it("fails every request of a transaction that fails, writing none of them", async () => {
    const org = await createOrg(database.db);
    // An organization that no longer exists: the insert fails its foreign key.
    const ghost = crypto.randomUUID();
    const results = await Promise.allSettled([
      ingestGrouped(database.db, ghost, one("x1", 1)),
      ingestGrouped(database.db, ghost, one("x2", 1)),
    ]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(await countRows(database.db, "usage_events", ghost)).toBe(0);
    // The queue is not stuck: the next request of another organization goes through.
    expect(await ingestGrouped(database.db, org.id, one("after", 1))).toEqual({ accepted: 1, duplicates: 0 });
  });
});
