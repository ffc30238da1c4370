import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { invoiceLines, invoices, organizations, subscriptions, usageCounters } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { getOverviewMetrics, mrrByMonth, signupsByMonth } from "@/lib/admin";
import { coverGroupsAt, recurringFromGroups, type CoverLine } from "@/lib/admin/revenue";
import { lastMonths, monthInstant } from "@/lib/admin/series";
import { addMonths, calendarMonth } from "@/lib/plans/period";
import { getUsageOverview } from "@/lib/usage";
import { createTestDatabase } from "../support/db";

/**
 * The overview's figures on generated data: each card equals its chart's last point and an
 * independent computation of its one definition, and usage leaders agree with each
 * organization's own dashboard (the usage period counted, the limit in force in it).
 */

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await syncPlanCatalog(database.db);
});
afterAll(async () => database?.close());

const NOW = new Date("2026-12-20T15:00:00Z");
const DAY = 86_400_000;

type GenInvoice = {
  status: "paid" | "open" | "void" | "uncollectible" | "draft";
  reason: "subscription_create" | "subscription_cycle" | "subscription_update" | "manual";
  currency: "usd" | "eur";
  lines: { startDay: number; annual: boolean; cents: number; proration: boolean; kind: "subscription" | "other" }[];
  issuedDay: number;
};
type GenOrg = {
  createdDay: number;
  suspended: boolean;
  plan: "free" | "pro";
  periodStartDay: number;
  invoices: GenInvoice[];
  executions: { startDay: number; days: number; value: number }[];
};

const lineArb = fc.record({
  startDay: fc.integer({ min: -420, max: 20 }),
  annual: fc.boolean(),
  cents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: -50_000, max: -1 })),
  proration: fc.boolean(),
  kind: fc.constantFrom("subscription" as const, "other" as const),
});
const invoiceArb = fc.record({
  status: fc.constantFrom(
    "paid" as const,
    "paid" as const,
    "open" as const,
    "void" as const,
    "uncollectible" as const,
    "draft" as const,
  ),
  reason: fc.constantFrom(
    "subscription_create" as const,
    "subscription_cycle" as const,
    "subscription_update" as const,
    "manual" as const,
  ),
  currency: fc.constantFrom("usd" as const, "usd" as const, "eur" as const),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
  issuedDay: fc.integer({ min: -420, max: 20 }),
});
const orgArb = fc.record({
  createdDay: fc.integer({ min: -450, max: 19 }),
  suspended: fc.boolean(),
  plan: fc.constantFrom("free" as const, "pro" as const),
  periodStartDay: fc.integer({ min: -29, max: 0 }),
  invoices: fc.array(invoiceArb, { maxLength: 4 }),
  executions: fc.array(
    fc.record({
      startDay: fc.integer({ min: -40, max: 0 }),
      days: fc.integer({ min: 1, max: 45 }),
      value: fc.integer({ min: 0, max: 200_000 }),
    }),
    { maxLength: 3 },
  ),
});

const day = (n: number) => new Date(NOW.getTime() + n * DAY);

async function load(orgs: GenOrg[]): Promise<CoverLine[]> {
  const db = database.db;
  await db.execute(sql`delete from organizations`);
  const counted: CoverLine[] = [];
  for (const [i, o] of orgs.entries()) {
    const [org] = await db
      .insert(organizations)
      .values({
        slug: `gen-${i}`,
        name: `Gen ${i}`,
        status: o.suspended ? "suspended" : "active",
        createdAt: day(o.createdDay),
      })
      .returning();
    const start = o.plan === "free" ? calendarMonth(NOW).start : day(o.periodStartDay);
    await db.insert(subscriptions).values({
      organizationId: org!.id,
      planId: o.plan,
      currentPeriodStart: start,
      currentPeriodEnd: o.plan === "free" ? calendarMonth(NOW).end : addMonths(start, 1),
      stripeSubscriptionId: o.plan === "free" ? null : `sub_gen_${i}`,
      maxUsers: o.plan === "free" ? 3 : null,
      maxAgents: o.plan === "free" ? 10 : 100,
      maxExecutionsPerMonth: o.plan === "free" ? 10_000 : 100_000,
      maxStorageGb: o.plan === "free" ? 1 : 100,
      maxGateways: o.plan === "free" ? 1 : 10,
    });
    // Executions: this usage period's counter, and others that contain now too (a Free month
    // before an upgrade) or not.
    const periods = new Map<number, { start: Date; end: Date; value: number }>();
    periods.set(start.getTime(), { start, end: addMonths(start, 1), value: 0 });
    for (const e of o.executions)
      periods.set(day(e.startDay).getTime(), { start: day(e.startDay), end: day(e.startDay + e.days), value: e.value });
    const first = o.executions[0];
    if (first) periods.get(start.getTime())!.value = first.value;
    await db.insert(usageCounters).values(
      [...periods.values()].map((p) => ({
        organizationId: org!.id,
        metric: "executions" as const,
        periodStart: p.start,
        periodEnd: p.end,
        value: p.value,
      })),
    );
    for (const [j, inv] of o.invoices.entries()) {
      const [row] = await db
        .insert(invoices)
        .values({
          organizationId: org!.id,
          source: "stripe",
          stripeInvoiceId: `in_gen_${i}_${j}`,
          number: `GEN${i}-${j}`,
          status: inv.status,
          currency: inv.currency,
          billingReason: inv.reason,
          issuedAt: day(inv.issuedDay),
        })
        .returning();
      await db.insert(invoiceLines).values(
        inv.lines.map((l, k) => {
          const s = day(l.startDay);
          const e = addMonths(s, l.annual ? 12 : 1);
          return {
            invoiceId: row!.id,
            kind: l.proration ? ("proration" as const) : l.kind,
            proration: l.proration,
            description: "generated",
            amountCents: l.cents,
            currency: inv.currency,
            periodStart: s,
            periodEnd: e,
            position: k,
          };
        }),
      );
      const countedInvoice =
        inv.reason !== "manual" &&
        (inv.status === "paid" || (inv.status === "open" && inv.reason !== "subscription_create"));
      if (!countedInvoice) continue;
      for (const l of inv.lines) {
        if (l.proration || l.kind !== "subscription") continue;
        const s = day(l.startDay);
        counted.push({
          organizationId: org!.id,
          invoiceId: row!.id,
          currency: inv.currency,
          periodStart: s,
          periodEnd: addMonths(s, l.annual ? 12 : 1),
          issuedAt: day(inv.issuedDay),
          amountCents: l.cents,
        });
      }
    }
  }
  return counted;
}

const reference = (lines: CoverLine[], at: Date) => {
  const { groups, paying } = coverGroupsAt(lines, at);
  return recurringFromGroups(groups, paying);
};

describe("overview figures on generated data", () => {
  it("card = chart's last point = the definition; leaders = each organization's dashboard", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orgArb, { minLength: 1, maxLength: 7 }), async (orgs) => {
        const lines = await load(orgs);
        const db = database.db;
        const [m, series, signups] = await Promise.all([
          getOverviewMetrics(db, NOW),
          mrrByMonth(db, NOW),
          signupsByMonth(db, NOW),
        ]);
        // MRR: the card, the chart's last point and the reference agree, per currency.
        const expected = reference(lines, NOW);
        expect(m.recurring).toEqual(expected);
        const last = series
          .map((s) => ({ currency: s.currency, cents: s.points.at(-1)!.cents }))
          .filter((x) => x.cents !== 0);
        expect(last).toEqual(m.recurring.mrr.filter((x) => x.cents !== 0));
        // Every month of the chart is the definition at that month's end.
        const months = lastMonths(NOW, 12);
        for (const s of series) {
          s.points.forEach((p, i) => {
            const ref = reference(lines, monthInstant(months[i]!, NOW)).mrr.find((x) => x.currency === s.currency);
            expect(p.cents).toBe(ref?.cents ?? 0);
          });
        }
        // New this month: the signups chart's last bar, and the organizations created since the 1st.
        const since = calendarMonth(NOW).start;
        const created = orgs.filter((o) => day(o.createdDay) >= since && day(o.createdDay) < NOW).length;
        expect(m.newThisMonth).toBe(created);
        expect(signups.at(-1)!.signups).toBe(created);
        expect(m.activeOrganizations + m.suspended).toBe(orgs.length);
        expect(m.activeOrganizations).toBe(orgs.filter((o) => !o.suspended).length);
        // Usage leaders: each one's executions and limit are its dashboard's, sorted, each listed once.
        const ids = m.leaders.map((l) => l.organizationId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const l of m.leaders) {
          const o = await getUsageOverview(db, l.organizationId, NOW);
          const ex = o.metrics.find((x) => x.metric === "executions")!;
          expect([l.executions, l.limit]).toEqual([ex.used, ex.limit]);
        }
        const values = m.leaders.map((l) => l.executions);
        expect([...values].sort((a, b) => b - a)).toEqual(values);
      }),
      { numRuns: 20 },
    );
  });
});
