import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { attachPaymentMethod, changePlan, ensureCustomer, ensureStripePrices, setEnterpriseTerms } from "@/lib/billing";
import type { Stripe } from "@/lib/stripe/client";
import { extendTrial } from "@/lib/admin";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * Issue #13: our billing state equals Stripe's whatever the delivery order. Each case below
 * was a real divergence: the emulator only records events here, and the test delivers them
 * signed to the app's route in the order that broke it. Status, past-due and the card come
 * from the object as Stripe has it now, never from the event that happened to arrive.
 */
let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv({ deliverWebhooks: false });
});
afterAll(async () => env?.stop());

const DAY = 86_400;

async function orgOnClock(members = 2) {
  const o = await makeOrg(env.database, { members });
  const now = Math.floor(Date.now() / 1000);
  const clock = await env.stripe.testHelpers.testClocks.create({ frozen_time: now });
  const customer = await ensureCustomer(env.database.db, env.stripe, o.org.id, { testClock: clock.id });
  return { ...o, clock: clock.id, customer, now };
}

async function card(organizationId: string) {
  const [org] = await env.database.db
    .select({ card: organizations.paymentMethod })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org!.card;
}

const isObject = (e: Stripe.Event, id: string) => (e.data.object as { id?: string }).id === id;

/** Pro monthly on Visa, then the card starts declining and the renewal fails: past due in Stripe. */
async function pastDueOrg() {
  const o = await orgOnClock(2);
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  const { subscriptionId } = await changePlan(env.database.db, env.stripe, {
    organizationId: o.org.id,
    planId: "pro",
    cycle: "monthly",
    actor: o.actor,
  });
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_chargeCustomerFail",
    actor: o.actor,
  });
  await env.stripe.testHelpers.testClocks.advance(o.clock, { frozen_time: o.now + 32 * DAY });
  const remote = await env.stripe.subscriptions.retrieve(subscriptionId);
  expect(remote.status).toBe("past_due");
  const first = (await env.stripe.invoices.list({ customer: o.customer, limit: 100 })).data.find(
    (i) => i.billing_reason === "subscription_create",
  )!;
  return { ...o, subscriptionId, firstInvoiceId: first.id! };
}

describe("status comes from the subscription as Stripe has it", () => {
  it("a late invoice.paid of an older invoice does not clear past due", async () => {
    const o = await pastDueOrg();
    const events = await env.events(o.customer);
    const late = events.filter(
      (e) => (e.type === "invoice.paid" || e.type === "invoice.payment_succeeded") && isObject(e, o.firstInvoiceId),
    );
    expect(late).toHaveLength(2);
    expect(await env.deliver(events.filter((e) => !late.includes(e)))).not.toContain(500);
    expect(await localSubscription(env.database, o.org.id)).toMatchObject({ status: "past_due" });
    await env.deliver(late);
    const ours = await localSubscription(env.database, o.org.id);
    expect(ours.status).toBe((await env.stripe.subscriptions.retrieve(o.subscriptionId)).status);
    expect(ours.status).toBe("past_due");
    expect(ours.pastDueSince).toBeInstanceOf(Date);
  });

  it("two open invoices, one paid: still past due, as in Stripe (delivered in order)", async () => {
    const o = await pastDueOrg();
    // A second invoice of the subscription that fails too: a seat added, charged at once.
    const sub = await env.stripe.subscriptions.retrieve(o.subscriptionId);
    await env.stripe.subscriptions.update(o.subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "always_invoice",
      payment_behavior: "allow_incomplete",
    });
    const open = (await env.stripe.invoices.list({ customer: o.customer, status: "open" })).data;
    expect(open).toHaveLength(2);
    // The renewal is paid with another card; the seat invoice stays open.
    const renewal = open.find((i) => i.billing_reason === "subscription_cycle")!;
    const visa = await env.stripe.paymentMethods.attach("pm_card_visa", { customer: o.customer });
    expect((await env.stripe.invoices.pay(renewal.id!, { payment_method: visa.id })).status).toBe("paid");
    const stripeStatus = (await env.stripe.subscriptions.retrieve(o.subscriptionId)).status;
    expect(stripeStatus).toBe("past_due");

    await env.deliver(await env.events(o.customer));
    const ours = await localSubscription(env.database, o.org.id);
    expect(ours.status).toBe(stripeStatus);
    expect(ours.pastDueSince).toBeInstanceOf(Date);
    expect(ours.seats).toBe(3);
  });

  it("a declined first invoice with allow_incomplete is incomplete, not past due", async () => {
    const o = await orgOnClock(1);
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: o.org.id,
      paymentMethod: "pm_card_chargeCustomerFail",
      actor: o.actor,
    });
    const pro = await ensureStripePrices(env.database.db, env.stripe, "pro");
    // Stripe's default payment_behavior (allow_incomplete), as a subscription made outside the app would be.
    const created = await env.stripe.subscriptions.create({
      customer: o.customer,
      items: [{ price: pro.stripePriceMonthlyId!, quantity: 1 }],
      metadata: { organization_id: o.org.id },
    });
    expect(created.status).toBe("incomplete");
    await env.deliver(await env.events(o.customer));
    const ours = await localSubscription(env.database, o.org.id);
    expect(ours).toMatchObject({ status: "incomplete", pastDueSince: null, stripeSubscriptionId: created.id });
  });

  it("Enterprise terms on a card that declines leave the subscription incomplete, as Stripe has it", async () => {
    const o = await orgOnClock(2);
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: o.org.id,
      paymentMethod: "pm_card_chargeCustomerFail",
      actor: o.actor,
    });
    const { subscriptionId } = await setEnterpriseTerms(env.database.db, env.stripe, {
      organizationId: o.org.id,
      actor: o.actor,
      reason: "Order form #7",
      cycle: "monthly",
      pricePerSeatCents: 10_000,
    });
    const stripeStatus = (await env.stripe.subscriptions.retrieve(subscriptionId)).status;
    expect(stripeStatus).toBe("incomplete");
    expect((await localSubscription(env.database, o.org.id)).status).toBe(stripeStatus);
    await env.deliver(await env.events(o.customer));
    expect(await localSubscription(env.database, o.org.id)).toMatchObject({
      status: "incomplete",
      pastDueSince: null,
      planId: "enterprise",
    });
  });
});

describe("the card on file is Stripe's customer default", () => {
  it("follows the default card, not the delivery order of customer.updated", async () => {
    const o = await orgOnClock(1);
    for (const pm of ["pm_card_mastercard", "pm_card_amex"]) {
      await attachPaymentMethod(env.database.db, env.stripe, {
        organizationId: o.org.id,
        paymentMethod: pm,
        actor: o.actor,
      });
    }
    const customer = await env.stripe.customers.retrieve(o.customer, {
      expand: ["invoice_settings.default_payment_method"],
    });
    const stripeDefault = (customer as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod;
    expect(stripeDefault.card?.brand).toBe("amex");

    const events = await env.events(o.customer);
    const updates = events.filter((e) => e.type === "customer.updated");
    expect(updates.length).toBeGreaterThanOrEqual(2);
    await env.deliver(events.filter((e) => e.type !== "customer.updated"));
    await env.deliver([...updates].reverse()); // newest first
    expect(await card(o.org.id)).toMatchObject({ id: stripeDefault.id, brand: "amex" });
  });
});

describe("admin actions go through the same writer", () => {
  it("extending a trial of a Stripe subscription extends it in Stripe, and ours follows Stripe's answer", async () => {
    const o = await orgOnClock(1);
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: o.org.id,
      paymentMethod: "pm_card_visa",
      actor: o.actor,
    });
    const pro = await ensureStripePrices(env.database.db, env.stripe, "pro");
    const created = await env.stripe.subscriptions.create({
      customer: o.customer,
      items: [{ price: pro.stripePriceMonthlyId!, quantity: 1 }],
      trial_period_days: 14,
      metadata: { organization_id: o.org.id },
    });
    await env.deliver(await env.events(o.customer));
    expect(await localSubscription(env.database, o.org.id)).toMatchObject({ status: "trialing" });
    const { trialEnd } = await extendTrial(
      env.database.db,
      o.org.id,
      { days: 7, reason: "sales asked for a week more" },
      o.actor,
      new Date(o.now * 1000),
    );
    const remote = await env.stripe.subscriptions.retrieve(created.id);
    expect(remote.trial_end).toBe(created.trial_end! + 7 * DAY);
    expect(trialEnd.getTime()).toBe(remote.trial_end! * 1000);
    const ours = await localSubscription(env.database, o.org.id);
    expect(ours.trialEnd!.getTime()).toBe(remote.trial_end! * 1000);
    expect(ours.currentPeriodEnd.getTime()).toBe(remote.items.data[0]!.current_period_end * 1000);
    // Delivered late, the events of the change still leave Stripe's state.
    await env.deliver(await env.events(o.customer));
    expect((await localSubscription(env.database, o.org.id)).trialEnd!.getTime()).toBe(remote.trial_end! * 1000);
  });
});
