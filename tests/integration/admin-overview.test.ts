import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { memberships, subscriptions, usageCounters } from "@/db/schema";
import { DEMO_ORGS, demoCreatedAt, seedDemo } from "@/demo";
import { lastMonths } from "@/lib/admin/series";
import {
  auditCsv,
  auditQuerySchema,
  getOverviewMetrics,
  listAudit,
  mrrByMonth,
  reactivateOrganization,
  signupsByMonth,
  suspendOrganization,
} from "@/lib/admin";
import { createTestDatabase } from "../support/db";
import { orgIdOf, staffActor } from "./admin-helpers";

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db);
});
afterAll(async () => {
  await database?.close();
});

describe("overview metrics", () => {
  it("count organizations and compute MRR and ARR from what subscriptions bill now, in cents", async () => {
    const m = await getOverviewMetrics(db);
    expect(m.totalOrganizations).toBe(5);
    expect(Object.fromEntries(m.byPlan.map((p) => [p.planId, p.organizations]))).toEqual({
      free: 2,
      pro: 2,
      enterprise: 1,
    });
    // Acme: 6 seats × $49 monthly; Initech: 4 seats × $420 a year (custom); Hooli: 2 × $49, its
    // renewal open and past due (counted until canceled, as on Stripe).
    const mrr = 6 * 4_900 + (4 * 42_000) / 12 + 2 * 4_900;
    expect(m.recurring.mrr).toEqual([{ currency: "usd", cents: mrr }]);
    expect(m.recurring.arr).toEqual([{ currency: "usd", cents: mrr * 12 }]);
    expect(m.recurring.paying).toBe(3);
    expect(m.activeOrganizations).toBe(5);
    // Free's placeholder rows are not paid subscriptions.
    expect(m.paidSubscriptionsByStatus).toEqual([
      { status: "active", subscriptions: 2 },
      { status: "past_due", subscriptions: 1 },
    ]);
    expect(m.pastDue).toEqual({ organizations: 1, outstanding: [{ currency: "usd", cents: 2 * 4_900 }] });
    expect(m.leaders[0]?.slug).toBe("initech");
    expect(m.leaders[0]?.limit).toBe(2_000_000);
    // The demo organizations signed up over the past months (their seeded created dates), not today.
    expect(m.newThisMonth).toBe(0);
    expect(m.churnedThisMonth).toBe(0);
  });

  it("count usage leaders in their current usage period, against its limit, each once", async () => {
    // Globex upgraded to Pro a day ago: its new usage period started then; the Free calendar
    // month's counter still contains now but is no longer counted, and Pro's limit applies.
    const globex = await orgIdOf(db, "globex");
    const now = new Date();
    const start = new Date(now.getTime() - 86_400_000);
    const end = new Date(start.getTime() + 31 * 86_400_000);
    const [before] = await db.select().from(subscriptions).where(eq(subscriptions.organizationId, globex));
    await db
      .update(subscriptions)
      .set({
        planId: "pro",
        stripeSubscriptionId: "sub_globex_test",
        currentPeriodStart: start,
        currentPeriodEnd: end,
        maxUsers: null,
        maxExecutionsPerMonth: 100_000,
      })
      .where(eq(subscriptions.organizationId, globex));
    try {
      let m = await getOverviewMetrics(db, now);
      expect(m.leaders.find((l) => l.slug === "globex")).toBeUndefined();
      await db.insert(usageCounters).values({
        organizationId: globex,
        metric: "executions",
        periodStart: start,
        periodEnd: end,
        value: 5_000_000,
      });
      m = await getOverviewMetrics(db, now);
      const ids = m.leaders.map((l) => l.organizationId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(m.leaders[0]).toMatchObject({ slug: "globex", executions: 5_000_000, limit: 100_000, percent: 5_000 });
      expect(m.leaders.filter((l) => l.slug === "globex")).toHaveLength(1);
    } finally {
      await db
        .delete(usageCounters)
        .where(and(eq(usageCounters.organizationId, globex), eq(usageCounters.periodStart, start)));
      await db.update(subscriptions).set(before!).where(eq(subscriptions.organizationId, globex));
    }
  });

  it("count a cancellation this month as churn", async () => {
    const hooli = await orgIdOf(db, "hooli");
    await db
      .update(subscriptions)
      .set({ status: "canceled", canceledAt: new Date() })
      .where(eq(subscriptions.organizationId, hooli));
    const m = await getOverviewMetrics(db);
    expect(m.churnedThisMonth).toBe(1);
    expect(m.pastDue.organizations).toBe(0);
    await db
      .update(subscriptions)
      .set({ status: "past_due", canceledAt: null })
      .where(eq(subscriptions.organizationId, hooli));
  });

  it("chart signups and MRR by month, every month present", async () => {
    const now = new Date();
    const signups = await signupsByMonth(db, now);
    expect(signups).toHaveLength(12);
    expect(signups.at(-1)).toEqual({ month: now.toISOString().slice(0, 7), signups: 0 });
    expect(signups.reduce((n, p) => n + p.signups, 0)).toBe(
      DEMO_ORGS.filter((o) => demoCreatedAt(o, now).getTime() >= lastMonths(now, 12)[0]!.getTime()).length,
    );
    // Members joined one after another, not all on the day of the seed.
    const joined = await db.select({ at: memberships.createdAt }).from(memberships);
    expect(new Set(joined.map((j) => j.at.toISOString().slice(0, 10))).size).toBeGreaterThan(5);
    const mrr = await mrrByMonth(db, now);
    expect(mrr.map((s) => s.currency)).toEqual(["usd"]);
    const points = mrr[0]!.points;
    expect(points).toHaveLength(12);
    // This month: the MRR card's figure (Acme's and Hooli's monthly invoices plus a twelfth of Initech's annual one).
    expect(points.at(-1)!.cents).toBe(6 * 4_900 + 2 * 4_900 + (4 * 42_000) / 12);
    expect([{ currency: "usd", cents: points.at(-1)!.cents }]).toEqual(
      (await getOverviewMetrics(db, now)).recurring.mrr,
    );
    expect(points.every((p) => Number.isInteger(p.cents))).toBe(true);
  });
});

describe("audit log", () => {
  it("filters by actor, organization, action and date, and exports CSV", async () => {
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    await suspendOrganization(db, umbrella, { reason: 'Abuse report, "spam"' }, actor);
    const q = (p: Record<string, string>) => listAudit(db, auditQuerySchema.parse(p));
    expect((await q({ org: "umbrella" })).rows.map((r) => r.action)).toEqual(["organization.suspended"]);
    expect((await q({ actor: "STAFF@" })).rows).toHaveLength(1);
    expect((await q({ action: "organization." })).rows[0]?.organizationSlug).toBe("umbrella");
    const today = new Date().toISOString().slice(0, 10);
    expect((await q({ from: today, to: today, org: "umbrella" })).rows).toHaveLength(1);
    expect((await q({ to: "2000-01-01" })).rows).toEqual([]);

    let csv = "";
    for await (const line of auditCsv(db, auditQuerySchema.parse({ org: "umbrella" }))) csv += line;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,actor,action,target_type,target_id,organization_id,organization_slug,reason,details");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(
      `staff@agentbill.test,organization.suspended,organization,${umbrella},${umbrella},umbrella,"Abuse report, ""spam""",`,
    );
  });

  it("exports in batches without losing or repeating rows", async () => {
    const actor = await staffActor(db);
    const globex = await orgIdOf(db, "globex");
    for (let i = 0; i < 7; i++) {
      await suspendOrganization(db, globex, { reason: `round ${i}` }, actor);
      await reactivateOrganization(db, globex, { reason: `round ${i} over` }, actor);
    }
    let rows = 0;
    const ids = new Set<string>();
    for await (const line of auditCsv(db, auditQuerySchema.parse({ org: "globex" }), 3)) {
      if (rows++ === 0) continue;
      ids.add(line.split(",")[0]!);
    }
    expect(rows - 1).toBe(14);
    expect(ids.size).toBe(14);
  });
});
