import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, memberships } from "@/db/schema";
import {
  attachPaymentMethod,
  cancelAtPeriodEnd,
  changePlan,
  ensureCustomer,
  previewPlanChange,
  resumeSubscription,
} from "@/lib/billing";
import { overLimits } from "@/lib/billing/fit";
import { AppError } from "@/lib/errors";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { assertWithinLimit, checkLimit } from "@/lib/usage/limits";
import { getUsageOverview } from "@/lib/usage/summary";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * Issue 12.2: cancelling is always allowed (one confirmation, optional reason), takes effect at
 * period end, and then the organization is on Free with everything kept: new resources over
 * Free's limits are refused with a reason, and the overview says what is over.
 */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;

/** Like Acme in the demo: Pro monthly, 6 members, 46 agents (Free allows 3 and 10), on a test clock. */
async function acmeLike() {
  const o = await makeOrg(env.database, { members: 6 });
  const clock = await env.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  await ensureCustomer(env.database.db, env.stripe, o.org.id, { testClock: clock.id });
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  await changePlan(...args(), { organizationId: o.org.id, planId: "pro", cycle: "monthly", actor: o.actor });
  await ingestUsageEvents(env.database.db, o.org.id, [
    { idempotency_key: `agents-${o.org.id}`, metric: "agents", quantity: 46, occurred_at: new Date().toISOString() },
  ]);
  return { ...o, clockId: clock.id };
}

describe("cancelling a paid plan", () => {
  it("is allowed over Free's limits: the preview says what will be over, the reason is kept at Stripe and here", async () => {
    const { org, actor } = await acmeLike();
    const preview = await previewPlanChange(...args(), { organizationId: org.id, planId: "free", cycle: "monthly" });
    expect(preview.fits).toBe(true);
    expect(preview.problems).toEqual([]);
    expect(preview.overAfter.map((p) => [p.metric, p.used, p.limit])).toEqual([
      ["users", 6, 3],
      ["agents", 46, 10],
    ]);

    const r = await changePlan(...args(), {
      organizationId: org.id,
      planId: "free",
      cycle: "monthly",
      actor,
      reason: "  Too expensive for our team right now.  ",
    });
    expect(r.unchanged).toBe(false);
    const sub = await localSubscription(env.database, org.id);
    expect(sub).toMatchObject({
      planId: "pro",
      status: "active",
      cancelAtPeriodEnd: true,
      cancellationReason: "Too expensive for our team right now.",
    });
    const remote = await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!);
    expect(remote.cancel_at_period_end).toBe(true);
    expect(remote.cancellation_details?.comment).toBe("Too expensive for our team right now.");
    const [audit] = await env.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org.id), eq(auditLog.action, "subscription.cancel_scheduled")));
    expect(audit!.details).toMatchObject({ reason: "Too expensive for our team right now." });

    // The webhooks that follow keep the same state (the reason is Stripe's copy).
    await env.settle();
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancellationReason: "Too expensive for our team right now.",
    });
  });

  it("without a reason, and resumed: the reason goes with the cancellation", async () => {
    const { org, actor } = await acmeLike();
    await cancelAtPeriodEnd(...args(), { organizationId: org.id, actor, reason: "Moving to another tool" });
    await resumeSubscription(...args(), { organizationId: org.id, actor });
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      cancelAtPeriodEnd: false,
      cancellationReason: null,
    });
    await cancelAtPeriodEnd(...args(), { organizationId: org.id, actor });
    await env.settle();
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      cancelAtPeriodEnd: true,
      cancellationReason: null,
    });
  });

  it("at period end the organization is on Free, nothing deleted; new resources over Free's limits are refused saying why", async () => {
    const { org, actor, clockId } = await acmeLike();
    await cancelAtPeriodEnd(...args(), { organizationId: org.id, actor, reason: "Budget cuts" });
    const before = await localSubscription(env.database, org.id);
    await env.stripe.testHelpers.testClocks.advance(clockId, {
      frozen_time: Math.floor(before.currentPeriodEnd.getTime() / 1000) + 3600,
    });
    await env.settle();
    const after = await localSubscription(env.database, org.id);
    expect(after).toMatchObject({ planId: "free", stripeSubscriptionId: null, cancellationReason: "Budget cuts" });
    expect(
      (await env.database.db.select().from(memberships).where(eq(memberships.organizationId, org.id))).length,
    ).toBe(6);

    const agents = await checkLimit(env.database.db, org.id, "agents", 1);
    expect(agents).toMatchObject({ allowed: false, used: 46, limit: 10 });
    expect(agents.reason).toBe(
      "You have 46 agents, over the Free plan's limit of 10: nothing was deleted, but no more can be added. Remove 37 to add 1, or upgrade your plan.",
    );
    const refused = await assertWithinLimit(env.database.db, org.id, "users", 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toBe(
      "Members: You have 6 members, over the Free plan's limit of 3: nothing was deleted, but no more can be added. Remove 4 to add 1, or upgrade your plan.",
    );

    const overview = await getUsageOverview(env.database.db, org.id);
    expect(overLimits(overview.metrics, overview.plan.name).map((o) => o.text)).toEqual([
      "6 members (Free allows 3)",
      "46 agents (Free allows 10)",
    ]);
  });
});
