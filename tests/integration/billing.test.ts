import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invoices, organizations } from "@/db/schema";
import {
  attachPaymentMethod,
  cancelAtPeriodEnd,
  changePlan,
  ensureCustomer,
  previewPlanChange,
  previewSeatChange,
  resumeSubscription,
  syncSeats,
} from "@/lib/billing";
import { prorateForRemaining } from "@/lib/money";
import { addMember, localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;
const card = async (orgId: string) =>
  (await env.database.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.paymentMethod;

async function subscribedOrg(opts: { members?: number; clock?: boolean } = {}) {
  const o = await makeOrg(env.database, { members: opts.members ?? 2 });
  let clockId: string | undefined;
  if (opts.clock) {
    const clock = await env.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
    clockId = clock.id;
    await ensureCustomer(env.database.db, env.stripe, o.org.id, { testClock: clock.id });
  }
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  await changePlan(...args(), { organizationId: o.org.id, planId: "pro", cycle: "monthly", actor: o.actor });
  return { ...o, clockId };
}

describe("subscribing", () => {
  it("subscribes with a good card: Pro monthly, one seat per member, card on file", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 3 });
    const attached = await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    expect(attached).toMatchObject({ status: "succeeded", card: { brand: "visa", last4: "4242" } });
    const preview = await previewPlanChange(env.database.db, env.stripe, {
      organizationId: org.id,
      planId: "pro",
      cycle: "monthly",
    });
    expect(preview).toMatchObject({ dueNowCents: 3 * 4900, recurringCents: 3 * 4900, fits: true, seats: 3 });
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    const sub = await localSubscription(env.database, org.id);
    expect(sub).toMatchObject({
      planId: "pro",
      status: "active",
      billingCycle: "monthly",
      seats: 3,
      maxAgents: 100,
      maxUsers: null,
    });
    const remote = await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!);
    expect(remote.items.data[0]!.quantity).toBe(3);
    expect(remote.metadata.organization_id).toBe(org.id);
    await env.settle();
    const [first] = await env.database.db.select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(first).toMatchObject({ status: "paid", totalCents: 3 * 4900, billingReason: "subscription_create" });
  });

  it("refuses a declined card with a sentence, saving nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const attempt = attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_chargeDeclined",
      actor,
    });
    await expect(attempt).rejects.toThrow(/Your card was declined/);
    await expect(
      attachPaymentMethod(env.database.db, env.stripe, {
        organizationId: org.id,
        paymentMethod: "pm_card_chargeDeclinedInsufficientFunds",
        actor,
      }),
    ).rejects.toThrow(/insufficient funds/);
    expect(await card(org.id)).toBeNull();
    await expect(
      changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor }),
    ).rejects.toThrow(/Add a card/);
    expect((await localSubscription(env.database, org.id)).planId).toBe("free");
  });

  it("reports a card that needs authentication as a state, not a crash", async () => {
    const { org, actor } = await makeOrg(env.database);
    const r = await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_authenticationRequired",
      actor,
    });
    expect(r.status).toBe("requires_action");
    expect(await card(org.id)).toBeNull();
  });

  it("creates one customer and one subscription for concurrent clicks, and retries create no duplicates", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const customers = await Promise.all([1, 2, 3, 4].map(() => ensureCustomer(env.database.db, env.stripe, org.id)));
    expect(new Set(customers).size).toBe(1);
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor })),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const remote = await env.stripe.subscriptions.list({ customer: customers[0]!, status: "all" });
    expect(remote.data).toHaveLength(1);
    const again = await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    expect(again.unchanged).toBe(true);
    expect((await env.stripe.subscriptions.list({ customer: customers[0]!, status: "all" })).data).toHaveLength(1);
  });
});

describe("changing the plan", () => {
  it("moves Pro monthly to annual after showing the proration", async () => {
    const { org, actor } = await subscribedOrg({ members: 2 });
    const preview = await previewPlanChange(env.database.db, env.stripe, {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual",
    });
    expect(preview.recurringCents).toBe(2 * 49_000);
    expect(preview.lines.some((l) => l.proration && l.amountCents < 0)).toBe(true);
    expect(preview.dueNowCents).toBeGreaterThan(0);
    expect(preview.dueNowCents).toBeLessThanOrEqual(2 * 49_000);
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor });
    const sub = await localSubscription(env.database, org.id);
    expect(sub).toMatchObject({ billingCycle: "annual", planId: "pro", status: "active" });
    expect(sub.currentPeriodEnd.getTime() - sub.currentPeriodStart.getTime()).toBeGreaterThan(360 * 86_400_000);
  });

  it("schedules Pro to Free even while members exceed Free's limit (cancelling is always allowed), saying what will be over", async () => {
    const { org, actor } = await subscribedOrg({ members: 5 });
    const preview = await previewPlanChange(env.database.db, env.stripe, {
      organizationId: org.id,
      planId: "free",
      cycle: "monthly",
    });
    expect(preview.fits).toBe(true);
    expect(preview.overAfter.map((o) => o.text)).toEqual(["5 members (Free allows 3)"]);
    await changePlan(...args(), { organizationId: org.id, planId: "free", cycle: "monthly", actor });
    expect((await localSubscription(env.database, org.id)).cancelAtPeriodEnd).toBe(true);
  });

  it("cancels at period end and resumes", async () => {
    const { org, actor } = await subscribedOrg({ members: 2 });
    await cancelAtPeriodEnd(...args(), { organizationId: org.id, actor });
    const scheduled = await localSubscription(env.database, org.id);
    expect(scheduled).toMatchObject({ cancelAtPeriodEnd: true, planId: "pro", status: "active" });
    expect((await env.stripe.subscriptions.retrieve(scheduled.stripeSubscriptionId!)).cancel_at_period_end).toBe(true);
    await resumeSubscription(...args(), { organizationId: org.id, actor });
    expect((await localSubscription(env.database, org.id)).cancelAtPeriodEnd).toBe(false);
    expect((await env.stripe.subscriptions.retrieve(scheduled.stripeSubscriptionId!)).cancel_at_period_end).toBe(false);
  });
});

describe("seats and time", () => {
  it("a seat added mid-period is charged as Stripe's proration, equal to lib/money's", async () => {
    const { org, actor, clockId } = await subscribedOrg({ members: 2, clock: true });
    const sub = await localSubscription(env.database, org.id);
    const start = Math.floor(sub.currentPeriodStart.getTime() / 1000);
    const end = Math.floor(sub.currentPeriodEnd.getTime() / 1000);
    const at = start + 10 * 86_400;
    await env.stripe.testHelpers.testClocks.advance(clockId!, { frozen_time: at });
    await addMember(env.database, org.id);
    const seatPreview = await previewSeatChange(...args(), { organizationId: org.id, delta: 1 });
    const expected =
      prorateForRemaining(4900, 3, end - at, end - start) - prorateForRemaining(4900, 2, end - at, end - start);
    expect(seatPreview).toMatchObject({ seatsAfter: 3, recurringDeltaCents: 4900 });
    expect(seatPreview!.dueTodayCents).toBe(expected);
    expect(await syncSeats(...args(), { organizationId: org.id, actor })).toEqual({ seats: 3, changed: true });
    const [latest] = (
      await env.stripe.invoices.list({ customer: await ensureCustomer(env.database.db, env.stripe, org.id), limit: 1 })
    ).data;
    const prorations = latest!.lines.data.filter((l) => l.parent?.subscription_item_details?.proration);
    expect(prorations.length).toBeGreaterThanOrEqual(1);
    expect(prorations.reduce((n, l) => n + l.amount, 0)).toBe(expected);
    expect((await localSubscription(env.database, org.id)).seats).toBe(3);
  });

  it("renews when the test clock passes the period end", async () => {
    const { org, clockId } = await subscribedOrg({ members: 1, clock: true });
    const before = await localSubscription(env.database, org.id);
    await env.stripe.testHelpers.testClocks.advance(clockId!, {
      frozen_time: Math.floor(before.currentPeriodEnd.getTime() / 1000) + 3600,
    });
    await env.settle();
    const after = await localSubscription(env.database, org.id);
    expect(after.currentPeriodStart.getTime()).toBe(before.currentPeriodEnd.getTime());
    expect(after.status).toBe("active");
    const ours = await env.database.db.select().from(invoices).where(eq(invoices.organizationId, org.id));
    expect(ours.map((i) => i.billingReason).sort()).toEqual(["subscription_create", "subscription_cycle"]);
    expect(ours.every((i) => i.status === "paid")).toBe(true);
  });

  it("a renewal on a card that starts declining puts the organization past due; a new card pays the overdue invoice at once", async () => {
    const { org, actor, clockId } = await subscribedOrg({ members: 1, clock: true });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_chargeCustomerFail",
      actor,
    });
    const before = await localSubscription(env.database, org.id);
    await env.stripe.testHelpers.testClocks.advance(clockId!, {
      frozen_time: Math.floor(before.currentPeriodEnd.getTime() / 1000) + 3600,
    });
    await env.settle();
    const pastDue = await localSubscription(env.database, org.id);
    expect(pastDue.status).toBe("past_due");
    expect(pastDue.pastDueSince).toBeInstanceOf(Date);
    const [open] = await env.database.db.select().from(invoices).where(eq(invoices.status, "open"));
    expect(open).toBeDefined();
    expect(open!.attemptCount).toBeGreaterThanOrEqual(1);

    // Another card that fails: saved, the invoice stays open, still past due.
    const declined = await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_chargeCustomerFail",
      actor,
    });
    expect(declined).toMatchObject({ status: "succeeded", retried: { paid: 0, stillOpen: 1 } });
    expect((await localSubscription(env.database, org.id)).status).toBe("past_due");

    // A good card pays the overdue invoice at once; our rows follow in the same request.
    const saved = await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_mastercard",
      actor,
    });
    expect(saved).toMatchObject({ status: "succeeded", retried: { paid: 1, stillOpen: 0 } });
    expect(await localSubscription(env.database, org.id)).toMatchObject({ status: "active", pastDueSince: null });
    const [paid] = await env.database.db.select().from(invoices).where(eq(invoices.id, open!.id));
    expect(paid).toMatchObject({ status: "paid", amountPaidCents: open!.amountDueCents });
    await env.settle();
    expect(await localSubscription(env.database, org.id)).toMatchObject({ status: "active", pastDueSince: null });
    const remote = await env.stripe.subscriptions.retrieve(before.stripeSubscriptionId!);
    expect(remote.status).toBe("active");
  });
});

describe("repair", () => {
  it("resyncs our rows from Stripe after they drifted", async () => {
    const { org, actor } = await subscribedOrg({ members: 2 });
    await env.settle();
    const { resyncOrganization } = await import("@/lib/billing");
    const { subscriptions } = await import("@/db/schema");
    await env.database.db
      .update(subscriptions)
      .set({ seats: 99, status: "past_due" })
      .where(eq(subscriptions.organizationId, org.id));
    await env.database.db.delete(invoices).where(eq(invoices.organizationId, org.id));
    const report = await resyncOrganization(env.database.db, env.stripe, { organizationId: org.id, actor });
    expect(report.invoices).toBe(1);
    expect(report.card).toBe("visa 4242");
    expect(await localSubscription(env.database, org.id)).toMatchObject({ seats: 2, status: "active" });
    expect(await env.database.db.select().from(invoices).where(eq(invoices.organizationId, org.id))).toHaveLength(1);
  });
});

describe("Enterprise terms (platform admin)", () => {
  it("puts an organization on its own Stripe price and limits, invoiced when it has no card, and keeps them through webhooks", async () => {
    const { setEnterpriseTerms } = await import("@/lib/billing");
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const { subscriptionId } = await setEnterpriseTerms(...args(), {
      organizationId: org.id,
      actor,
      reason: "Signed order form #1042",
      cycle: "annual",
      pricePerSeatCents: 42_000,
      limits: { maxAgents: 500, maxExecutionsPerMonth: 2_000_000 },
    });
    await env.settle();
    const sub = await localSubscription(env.database, org.id);
    expect(sub).toMatchObject({
      planId: "enterprise",
      billingCycle: "annual",
      seats: 2,
      customPricePerSeatCents: 42_000,
      maxAgents: 500,
      maxExecutionsPerMonth: 2_000_000,
    });
    const remote = await env.stripe.subscriptions.retrieve(subscriptionId);
    expect(remote.collection_method).toBe("send_invoice");
    expect(remote.items.data[0]!.price).toMatchObject({
      unit_amount: 42_000,
      metadata: { plan_id: "enterprise", organization_id: org.id },
    });

    await setEnterpriseTerms(...args(), {
      organizationId: org.id,
      actor,
      reason: "Renegotiated",
      cycle: "annual",
      pricePerSeatCents: 39_000,
      limits: { maxAgents: 800 },
    });
    await env.settle();
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      customPricePerSeatCents: 39_000,
      maxAgents: 800,
      stripeSubscriptionId: subscriptionId,
    });
    await expect(
      setEnterpriseTerms(...args(), {
        organizationId: org.id,
        actor,
        reason: "x",
        cycle: "annual",
        pricePerSeatCents: -5,
      }),
    ).rejects.toThrow();
  });
});
