import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { organizations, usageCounters, usageDaily, usageEvents } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { calendarMonth } from "@/lib/plans/period";
import { rebuildCounters, rebuildDaily } from "@/lib/usage/rollup";
import { createTestDatabase } from "../support/db";

let database: Database;
let orgId: string;
const now = new Date("2026-11-24T12:00:00Z");
const period = calendarMonth(now);

beforeAll(async () => {
  database = await createTestDatabase();
  await syncPlanCatalog(database.db);
  const [org] = await database.db.insert(organizations).values({ slug: "rollup-co", name: "Rollup Co" }).returning();
  orgId = org!.id;
  const at = (iso: string) => new Date(iso);
  await database.db.insert(usageEvents).values([
    // carried in from last period: agents were 7 before the period started
    {
      organizationId: orgId,
      metric: "agents",
      quantity: 7,
      occurredAt: at("2026-10-30T10:00:00Z"),
      idempotencyKey: "a0",
    },
    {
      organizationId: orgId,
      metric: "executions",
      quantity: 999,
      occurredAt: at("2026-10-31T23:59:59Z"),
      idempotencyKey: "e0",
    },
    {
      organizationId: orgId,
      metric: "executions",
      quantity: 10,
      occurredAt: at("2026-11-02T10:00:00Z"),
      idempotencyKey: "e1",
    },
    {
      organizationId: orgId,
      metric: "executions",
      quantity: 5,
      occurredAt: at("2026-11-02T11:00:00Z"),
      idempotencyKey: "e2",
    },
    {
      organizationId: orgId,
      metric: "executions",
      quantity: 20,
      occurredAt: at("2026-11-03T09:00:00Z"),
      idempotencyKey: "e3",
    },
    {
      organizationId: orgId,
      metric: "agents",
      quantity: 12,
      occurredAt: at("2026-11-02T09:00:00Z"),
      idempotencyKey: "a1",
    },
    {
      organizationId: orgId,
      metric: "agents",
      quantity: 9,
      occurredAt: at("2026-11-02T18:00:00Z"),
      idempotencyKey: "a2",
    },
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe("roll-ups from raw events", () => {
  it("sum counters per day and keep the maximum and latest value of gauges", async () => {
    const repaired = await rebuildDaily(database.db, {
      from: new Date("2026-10-01T00:00:00Z"),
      to: now,
      organizationId: orgId,
    });
    expect(repaired.upserted).toBe(5);
    const rows = await database.db.select().from(usageDaily).where(eq(usageDaily.organizationId, orgId));
    const get = (metric: string, day: string) => rows.find((r) => r.metric === metric && r.day === day);
    expect(get("executions", "2026-11-02")?.value).toBe(15);
    expect(get("executions", "2026-11-03")?.value).toBe(20);
    expect(get("agents", "2026-11-02")).toMatchObject({ value: 12, lastValue: 9 });
  });

  it("count a period's counter and carry gauges in from the previous period", async () => {
    const changes = await rebuildCounters(database.db, orgId, period);
    expect(changes.map((c) => c.metric).sort()).toEqual(["agents", "executions", "gateways", "storage_bytes"]);
    const rows = await database.db
      .select()
      .from(usageCounters)
      .where(and(eq(usageCounters.organizationId, orgId), eq(usageCounters.periodStart, period.start)));
    const get = (m: string) => rows.find((r) => r.metric === m)!;
    expect(get("executions").value).toBe(35); // the 999 on Oct 31 belongs to October
    expect(get("agents")).toMatchObject({ value: 12, current: 9 });
    expect(get("gateways")).toMatchObject({ value: 0, current: null });
  });

  it("finds and repairs a tampered counter, then reports nothing the second time", async () => {
    await database.db
      .update(usageCounters)
      .set({ value: 123_456 })
      .where(and(eq(usageCounters.organizationId, orgId), eq(usageCounters.metric, "executions")));
    await database.db.update(usageDaily).set({ value: 1 }).where(eq(usageDaily.organizationId, orgId));
    const counters = await rebuildCounters(database.db, orgId, period);
    expect(counters).toEqual([{ metric: "executions", before: 123_456, after: 35 }]);
    const daily = await rebuildDaily(database.db, {
      from: new Date("2026-10-01T00:00:00Z"),
      to: now,
      organizationId: orgId,
    });
    expect(daily.upserted).toBe(5);
    expect(await rebuildCounters(database.db, orgId, period)).toEqual([]);
    expect(
      await rebuildDaily(database.db, { from: new Date("2026-10-01T00:00:00Z"), to: now, organizationId: orgId }),
    ).toEqual({
      upserted: 0,
      deleted: 0,
    });
  });

  it("deletes a derived day that has no events behind it", async () => {
    await database.db
      .insert(usageDaily)
      .values({ organizationId: orgId, metric: "gateways", day: "2026-11-10", value: 4 });
    const r = await rebuildDaily(database.db, {
      from: new Date("2026-11-01T00:00:00Z"),
      to: now,
      organizationId: orgId,
    });
    expect(r).toEqual({ upserted: 0, deleted: 1 });
  });
});
