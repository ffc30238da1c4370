import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { jobRuns, outbox, usageAlerts, usageCounters, usageDaily, usageRecords } from "@/db/schema";
import { calendarMonth } from "@/lib/plans/period";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { snapshotUsagePeriod } from "@/lib/usage/period-close";
import { runUsageJob, USAGE_JOB } from "@/lib/usage/reconcile";
import { createTestDatabase } from "../support/db";
import { counter, createOrg, ensurePlans, exec, gauge } from "./usage-fixtures";

let database: Database;
const now = new Date("2026-11-24T12:00:00Z");
const nov = calendarMonth(now);
const at = (iso: string) => new Date(iso);
const window = {
  from: new Date(now.getTime() - 35 * 86_400_000),
  to: now,
  closePeriods: true,
  now,
  trigger: "test" as const,
};

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

describe("reconciliation", () => {
  it("finds and repairs tampered counters and days, records the run, and repairs nothing the second time", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(
      database.db,
      org.id,
      [
        exec("e1", at("2026-11-02T10:00:00Z"), 10),
        exec("e2", at("2026-11-03T10:00:00Z"), 5),
        gauge("a1", "agents", at("2026-11-03T10:00:00Z"), 4),
      ],
      { now },
    );
    const db = database.db;
    const isOrg = (m: "executions" | "agents") =>
      and(eq(usageCounters.organizationId, org.id), eq(usageCounters.metric, m));
    await db.update(usageCounters).set({ value: 1_000 }).where(isOrg("executions"));
    await db.delete(usageCounters).where(isOrg("agents"));
    await db
      .update(usageDaily)
      .set({ value: 99 })
      .where(and(eq(usageDaily.organizationId, org.id), eq(usageDaily.day, "2026-11-02")));

    const first = await runUsageJob(db, { ...window, organizationId: org.id });
    expect(first.report.counters).toMatchObject({
      repaired: 2,
      drift: 985 + 4,
      driftByMetric: { executions: 985, agents: 4 },
    });
    expect(first.report.daily).toMatchObject({ upserted: 1, deleted: 0, drift: 89 });
    expect(first.report.repairs).toContainEqual({
      organizationId: org.id,
      metric: "executions",
      periodStart: nov.start.toISOString(),
      before: 1_000,
      after: 15,
    });
    expect(await counter(db, org.id, "executions", nov.start)).toMatchObject({ value: 15 });
    expect(await counter(db, org.id, "agents", nov.start)).toMatchObject({ value: 4, current: 4 });

    const [run] = await db.select().from(jobRuns).where(eq(jobRuns.id, first.runId));
    expect(run).toMatchObject({ job: USAGE_JOB, status: "succeeded" });
    expect(run!.finishedAt).not.toBeNull();
    expect(run!.details).toMatchObject({
      trigger: "test",
      counters: { repaired: 2, drift: 989 },
      daily: { upserted: 1, drift: 89 },
    });

    const second = await runUsageJob(db, { ...window, organizationId: org.id });
    expect(second.report.counters).toMatchObject({ repaired: 0, drift: 0, created: 0 });
    expect(second.report.daily).toMatchObject({ upserted: 0, deleted: 0, drift: 0 });
    expect(second.report.periodsClosed).toEqual([]);
    expect(second.report.alertsRaised).toBe(0);
  });

  it("does not count an empty period's zero rows as drift", async () => {
    const org = await createOrg(database.db);
    await ingestUsageEvents(database.db, org.id, [exec("only", at("2026-11-10T10:00:00Z"), 3)], { now });
    const { report } = await runUsageJob(database.db, { ...window, organizationId: org.id, closePeriods: false });
    expect(report.counters.repaired).toBe(0);
    expect(report.counters.created).toBeGreaterThan(0);
  });
});

describe("period close", () => {
  it("writes one record per ended period with the seat price, and is idempotent", async () => {
    const org = await createOrg(database.db, {
      plan: "pro",
      seats: 3,
      period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
      createdAt: at("2026-09-01T00:00:00Z"),
    });
    await ingestUsageEvents(
      database.db,
      org.id,
      [exec("oct", at("2026-11-01T10:00:00Z"), 1_234), gauge("ag", "agents", at("2026-11-01T10:00:00Z"), 20)],
      { now },
    );
    const { report } = await runUsageJob(database.db, { ...window, organizationId: org.id });
    expect(report.periodsClosed).toHaveLength(1);
    const [record] = await database.db.select().from(usageRecords).where(eq(usageRecords.organizationId, org.id));
    expect(record).toMatchObject({
      periodStart: at("2026-10-08T00:00:00Z"),
      periodEnd: at("2026-11-08T00:00:00Z"),
      planId: "pro",
      seats: 3,
      executions: 1_234,
      agents: 20,
      baseCents: 14_700,
      overageCents: 0,
      costCents: 14_700,
      currency: "usd",
    });
    expect(record!.closedAt).not.toBeNull();
    const again = await runUsageJob(database.db, { ...window, organizationId: org.id });
    expect(again.report.periodsClosed).toEqual([]);
    const rows = await database.db.select().from(usageRecords).where(eq(usageRecords.organizationId, org.id));
    expect(rows).toEqual([record]);
  });

  it("bills overage where the plan prices it, and snapshots an open period on demand without closing it", async () => {
    const org = await createOrg(database.db, {
      plan: "enterprise",
      seats: 2,
      customPricePerSeatCents: 10_000,
      limits: { maxExecutionsPerMonth: 1_000 },
      period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
    });
    await ingestUsageEvents(database.db, org.id, [exec("big", at("2026-11-20T10:00:00Z"), 3_000)], { now });
    const open = await snapshotUsagePeriod(database.db, org.id, { now });
    expect(open).toMatchObject({
      closedAt: null,
      executions: 3_000,
      baseCents: 20_000,
      overageCents: 80,
      costCents: 20_080,
    });
    expect(open!.overageLines).toEqual([{ metric: "executions", quantity: 2_000, unitCents: 40, amountCents: 80 }]);
    // The next snapshot refreshes it; closing it later makes it final.
    await ingestUsageEvents(database.db, org.id, [exec("more", at("2026-11-21T10:00:00Z"), 600)], { now });
    expect(await snapshotUsagePeriod(database.db, org.id, { now })).toMatchObject({
      executions: 3_600,
      overageCents: 120,
    }); // 2,600 over: 3 started blocks of 1,000
    const later = at("2026-12-09T00:00:00Z");
    const closed = await snapshotUsagePeriod(database.db, org.id, {
      now: later,
      period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
    });
    expect(closed!.closedAt).toEqual(later);
    expect(
      await snapshotUsagePeriod(database.db, org.id, {
        now: later,
        period: { start: at("2026-11-08T00:00:00Z"), end: at("2026-12-08T00:00:00Z") },
      }),
    ).toBeNull();
  });
});

describe("usage alerts", () => {
  it("records 80% and 100% once per period and metric, with an outbox message each", async () => {
    const org = await createOrg(database.db); // Free: 10,000 executions a month
    const day = at("2026-11-20T10:00:00Z");
    await ingestUsageEvents(database.db, org.id, [exec("a", day, 7_999)], { now });
    expect(await database.db.select().from(usageAlerts).where(eq(usageAlerts.organizationId, org.id))).toEqual([]);
    await ingestUsageEvents(database.db, org.id, [exec("b", day, 1)], { now });
    await ingestUsageEvents(database.db, org.id, [exec("c", day, 500)], { now });
    let alerts = await database.db.select().from(usageAlerts).where(eq(usageAlerts.organizationId, org.id));
    expect(alerts.map((a) => [a.metric, a.thresholdPercent, a.used, a.limit])).toEqual([
      ["executions", 80, 8_000, 10_000],
    ]);
    await ingestUsageEvents(database.db, org.id, [exec("d", day, 2_000)], { now });
    alerts = await database.db.select().from(usageAlerts).where(eq(usageAlerts.organizationId, org.id));
    expect(alerts.map((a) => a.thresholdPercent).sort()).toEqual([100, 80]);
    const messages = await database.db.select().from(outbox).where(eq(outbox.organizationId, org.id));
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.kind === "usage_alert")).toBe(true);
    expect(messages.map((m) => m.payload.thresholdPercent).sort()).toEqual([100, 80]);
    // Reconciliation detects the same crossings and records nothing new.
    const { report } = await runUsageJob(database.db, { ...window, organizationId: org.id, closePeriods: false });
    expect(report.alertsRaised).toBe(0);
  });

  it("are raised by reconciliation when ingest did not (e.g. gauges or members)", async () => {
    const org = await createOrg(database.db); // Free: 1 gateway
    await ingestUsageEvents(database.db, org.id, [gauge("gw", "gateways", at("2026-11-20T10:00:00Z"), 1)], { now });
    await database.db.delete(usageAlerts).where(eq(usageAlerts.organizationId, org.id));
    const { report } = await runUsageJob(database.db, { ...window, organizationId: org.id, closePeriods: false });
    expect(report.alertsRaised).toBe(2);
    const alerts = await database.db.select().from(usageAlerts).where(eq(usageAlerts.organizationId, org.id));
    expect(alerts.map((a) => `${a.metric}:${a.thresholdPercent}`).sort()).toEqual(["gateways:100", "gateways:80"]);
  });
});
