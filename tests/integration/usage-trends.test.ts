import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { organizations } from "@/db/schema";
import { seedDemo } from "@/demo";
import { utcDay } from "@/lib/plans/period";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { lastDays } from "@/lib/usage/projection";
import { getDailySeries } from "@/lib/usage/series";
import { getBillingDashboard, getOutstandingInvoice, getPeriodAlerts } from "@/lib/usage/trends";
import { createTestDatabase } from "../support/db";
import { createOrg } from "./usage-fixtures";

/** The dashboard's read queries against the seeded demo organizations on a real migrated database. */

let database: Database;
const ids = new Map<string, string>();
const now = new Date();
const today = utcDay(now);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db, now);
  for (const o of await database.db.select({ id: organizations.id, slug: organizations.slug }).from(organizations))
    ids.set(o.slug, o.id);
}, 180_000);
afterAll(async () => {
  await database?.close();
});

const id = (slug: string) => ids.get(slug)!;

describe("getBillingDashboard", () => {
  it("reads Acme's plan, a 30-day history ending today and this period's days", async () => {
    const d = await getBillingDashboard(database.db, id("acme"), { days: 30, now });
    expect(d.overview.plan.id).toBe("pro");
    expect(d.range).toMatchObject({ days: 30, ...lastDays(30, now) });
    expect(d.range.points).toHaveLength(30);
    expect(d.range.points.at(-1)!.day).toBe(today);
    expect(d.range.points.some((p) => p.executions > 0)).toBe(true);
    expect(d.range.points.every((p) => p.agents > 0 && p.storage_bytes > 0)).toBe(true);
    // This period's days start on its first day and add up to the executions counter.
    expect(d.periodDaily[0]!.day).toBe(utcDay(d.overview.usagePeriod.start));
    expect(d.periodDaily.at(-1)!.day).toBe(today);
    const executions = d.overview.metrics.find((m) => m.metric === "executions")!;
    expect(d.periodDaily.reduce((s, p) => s + p.executions, 0)).toBe(executions.used);
    expect(d.hasUsage).toBe(true);
    expect(d.outstanding).toBeNull();
    expect(d.nextInvoice).toMatchObject({
      kind: "renewal",
      recurringCents: 6 * 4_900,
      totalCents: 6 * 4_900,
      currency: "usd",
    });
    expect(d.executionsOveragePriced).toBe(false);
    expect(d.comparison.metrics.find((m) => m.metric === "executions")!.current).toBe(executions.used);
  });

  it("covers 90 and 365 days; days before the history are zero", async () => {
    const d90 = await getBillingDashboard(database.db, id("acme"), { days: 90, now });
    expect(d90.range.points).toHaveLength(90);
    const d365 = await getBillingDashboard(database.db, id("acme"), { days: 365, now });
    expect(d365.range.points).toHaveLength(365);
    expect(d365.range.points[0]).toMatchObject({ executions: 0, agents: 0 });
    expect(d365.range.points.slice(-90)).toEqual(d90.range.points);
  });

  it("finds Hooli's open invoice for the past-due banner", async () => {
    const d = await getBillingDashboard(database.db, id("hooli"), { days: 30, now });
    expect(d.overview.subscription?.status).toBe("past_due");
    expect(d.outstanding).toMatchObject({ amountDueCents: 2 * 4_900, currency: "usd" });
    expect(d.outstanding!.number).toMatch(/^HOOLI-/);
    expect(await getOutstandingInvoice(database.db, id("acme"))).toBeNull();
  });

  it("has no next invoice on Free, and Initech's enterprise overage is priced", async () => {
    const globex = await getBillingDashboard(database.db, id("globex"), { days: 30, now });
    expect(globex.nextInvoice.kind).toBe("none");
    const initech = await getBillingDashboard(database.db, id("initech"), { days: 30, now });
    expect(initech.nextInvoice).toMatchObject({ kind: "renewal", recurringCents: 4 * 42_000 });
    expect(initech.executionsOveragePriced).toBe(true);
  });

  it("shows the alerts of this period once ingest raises them", async () => {
    const before = await getBillingDashboard(database.db, id("globex"), { days: 30, now });
    const executions = before.overview.metrics.find((m) => m.metric === "executions")!;
    const push = Math.max(1, executions.limit! - executions.used + 10);
    await ingestUsageEvents(database.db, id("globex"), {
      events: [
        {
          idempotency_key: "trends-over-limit",
          metric: "executions",
          quantity: push,
          occurred_at: new Date().toISOString(),
        },
      ],
    });
    const after = await getBillingDashboard(database.db, id("globex"), { days: 30, now: new Date() });
    const mine = after.alerts.filter((a) => a.metric === "executions").map((a) => a.thresholdPercent);
    expect(mine).toContain(100);
    expect(after.alerts.every((a) => a.limit === executions.limit)).toBe(true);
    // Another period's alerts are not this period's.
    expect(await getPeriodAlerts(database.db, id("globex"), new Date(Date.UTC(2020, 0, 1)))).toEqual([]);
  });

  it("has an empty state for an organization without usage", async () => {
    const org = await createOrg(database.db, { plan: "pro" });
    const d = await getBillingDashboard(database.db, org.id, { days: 30, now });
    expect(d.hasUsage).toBe(false);
    expect(d.range.points).toHaveLength(30);
    expect(d.range.points.every((p) => p.executions === 0 && p.agents === 0)).toBe(true);
    expect(d.alerts).toEqual([]);
    expect(d.comparison.metrics.every((m) => m.current === 0)).toBe(true);
  });
});

describe("export series", () => {
  it("covers exactly the days asked for, oldest first", async () => {
    const points = await getDailySeries(database.db, id("acme"), { from: "2026-01-01", to: "2026-01-31" });
    expect(points).toHaveLength(31);
    expect(points[0]!.day).toBe("2026-01-01");
    expect(points.at(-1)!.day).toBe("2026-01-31");
  });
});
