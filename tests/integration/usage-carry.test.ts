import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { asc, eq } from "drizzle-orm";
import { usageCounters } from "@/db/schema";
import { createApiKey } from "@/lib/auth/api-keys";
import { attachPaymentMethod, changePlan, ensureCustomer } from "@/lib/billing";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { checkLimit } from "@/lib/usage/limits";
import { reconcileUsage } from "@/lib/usage/reconcile";
import { getUsageOverview } from "@/lib/usage/summary";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { callApi } from "../support/api";

/**
 * Issue 12.3: a plan or cycle change carries the executions used in the current usage period
 * into the new one; gauges keep their values; the API's limit check and the dashboard agree;
 * reconciliation keeps the carried use and invents no overlapping period.
 */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;
let seq = 0;
async function run(orgId: string, executions: number, agents?: number) {
  const at = new Date().toISOString();
  const events: unknown[] = [
    { idempotency_key: `e-${seq++}`, metric: "executions", quantity: executions, occurred_at: at },
  ];
  if (agents !== undefined)
    events.push({ idempotency_key: `g-${seq++}`, metric: "agents", quantity: agents, occurred_at: at });
  await ingestUsageEvents(env.database.db, orgId, events);
}

/** What the API answers (POST /api/v1/limits/check with the organization's key). */
async function apiUsed(key: string, metric: string): Promise<number> {
  const res = await callApi(
    new Request("http://test.local/api/v1/limits/check", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ metric, amount: 1 }),
    }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { used: number }).used;
}

async function dashboardUsed(orgId: string, metric: string): Promise<number> {
  return (await getUsageOverview(env.database.db, orgId)).metrics.find((m) => m.metric === metric)!.used;
}

/** Usage periods of an organization never overlap (each ends before or where the next starts). */
async function expectNoOverlap(orgId: string) {
  const rows = await env.database.db
    .selectDistinct({ start: usageCounters.periodStart, end: usageCounters.periodEnd })
    .from(usageCounters)
    .where(eq(usageCounters.organizationId, orgId))
    .orderBy(asc(usageCounters.periodStart));
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.start.getTime() === rows[i - 1]!.start.getTime()) continue;
    expect(rows[i - 1]!.end.getTime()).toBeLessThanOrEqual(rows[i]!.start.getTime());
  }
}

/**
 * An organization whose Stripe customer lives on a test clock that started `daysAgo` days ago, so
 * that a subscription made now starts in the past; `catchUp()` moves the clock to the real now
 * (when plan changes then re-anchor, mid-period, as they would for a real customer).
 */
async function paidOrg(members = 2, daysAgo = 0) {
  const o = await makeOrg(env.database, { members });
  const clock = await env.stripe.testHelpers.testClocks.create({
    frozen_time: Math.floor(Date.now() / 1000) - daysAgo * 86_400,
  });
  await ensureCustomer(env.database.db, env.stripe, o.org.id, { testClock: clock.id });
  const catchUp = async () => {
    await env.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: Math.floor(Date.now() / 1000) });
  };
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  const { key } = await createApiKey(env.database.db, { organizationId: o.org.id, name: "test", actor: o.actor });
  return { ...o, key, catchUp };
}

describe("executions carried over plan and cycle changes", () => {
  it("monthly → annual → monthly keeps 67,488 used; gauges keep their value; the API and the dashboard agree", async () => {
    const { org, actor, key, catchUp } = await paidOrg(2, 12);
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    const started = (await localSubscription(env.database, org.id)).currentPeriodStart;
    await catchUp();
    await env.settle();
    await run(org.id, 67_488, 46);
    expect(await apiUsed(key, "executions")).toBe(67_488);

    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor });
    const annual = await localSubscription(env.database, org.id);
    expect(annual.billingCycle).toBe("annual");
    // Stripe started a new billing period at the switch, 12 days into the month.
    expect(annual.currentPeriodStart.getTime() - started.getTime()).toBeGreaterThan(11 * 86_400_000);
    expect(await apiUsed(key, "executions")).toBe(67_488);
    expect(await dashboardUsed(org.id, "executions")).toBe(67_488);
    expect(await apiUsed(key, "agents")).toBe(46);
    expect(await dashboardUsed(org.id, "agents")).toBe(46);

    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    expect(await apiUsed(key, "executions")).toBe(67_488);
    expect(await dashboardUsed(org.id, "executions")).toBe(67_488);
    const check = await checkLimit(env.database.db, org.id, "executions", 40_000);
    expect(check).toMatchObject({ used: 67_488, remaining: 100_000 - 67_488, allowed: false });

    // New use adds to the carried use; the webhooks that follow and a reconciliation change nothing.
    await run(org.id, 12);
    await env.settle();
    const report = await reconcileUsage(env.database.db, {
      from: new Date(Date.now() - 35 * 86_400_000),
      to: new Date(Date.now() + 60_000),
      organizationId: org.id,
      closePeriods: false,
      alerts: false,
      now: new Date(),
    });
    expect(report.repairs).toEqual([]);
    expect(report.counters.repaired).toBe(0);
    expect(await apiUsed(key, "executions")).toBe(67_500);
    expect(await dashboardUsed(org.id, "executions")).toBe(67_500);
    await expectNoOverlap(org.id);
  });

  it("subscribing from Free keeps what Free's month used so far", async () => {
    const { org, actor, key } = await paidOrg();
    await run(org.id, 4_321);
    expect(await apiUsed(key, "executions")).toBe(4_321);
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await env.settle();
    expect(await apiUsed(key, "executions")).toBe(4_321);
    expect(await dashboardUsed(org.id, "executions")).toBe(4_321);
    await expectNoOverlap(org.id);
  });

  it("property: no sequence of plan and cycle changes makes `used` smaller than the executions since the first change's period began", async () => {
    const step = fc.record({
      cycle: fc.constantFrom("monthly" as const, "annual" as const),
      executions: fc.integer({ min: 0, max: 5_000 }),
      settle: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3_000 }),
        fc.array(step, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 25 }),
        async (before, steps, daysAgo) => {
          const { org, actor, key, catchUp } = await paidOrg(1, daysAgo);
          await run(org.id, before);
          let caughtUp = false;
          let total = before; // everything is counted since the Free month in which the first change happens
          for (const s of steps) {
            await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: s.cycle, actor });
            if (!caughtUp) {
              // The subscription started `daysAgo` days ago; every later change happens now.
              await catchUp();
              caughtUp = true;
            }
            if (s.settle) await env.settle();
            await run(org.id, s.executions);
            total += s.executions;
            const used = await apiUsed(key, "executions");
            expect(used).toBeGreaterThanOrEqual(total);
            expect(await dashboardUsed(org.id, "executions")).toBe(used);
          }
          await expectNoOverlap(org.id);
        },
      ),
      { numRuns: 6 },
    );
  });
});
