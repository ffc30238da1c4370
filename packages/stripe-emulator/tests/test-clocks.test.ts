import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { DAY, WebhookSink, seedCustomer, startTestEmulator, Stripe } from "./helpers";

let emu: RunningEmulator;
let stripe: Stripe;
const sink = new WebhookSink();

const T0 = Date.UTC(2026, 2, 1, 9) / 1000;
const APR_1 = Date.UTC(2026, 3, 1, 9) / 1000;
const MAY_1 = Date.UTC(2026, 4, 1, 9) / 1000;

beforeAll(async () => {
  await sink.start();
  ({ emu, stripe } = await startTestEmulator({ webhookUrl: sink.url }));
});
afterAll(async () => {
  await emu.stop();
  await sink.stop();
});

async function subscribed() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0, name: "dunning" });
  const seed = await seedCustomer(stripe, { clock: clock.id });
  const sub = await stripe.subscriptions.create({ customer: seed.customer.id, items: [{ price: seed.monthly.id }] });
  return { clock, sub, ...seed };
}

/** Position in the delivery log once everything sent so far has arrived. */
async function mark(): Promise<number> {
  await emu.idle();
  return sink.deliveries.length;
}

async function eventsFor(customerId: string, since = 0): Promise<Stripe.Event[]> {
  await emu.idle();
  return sink.deliveries
    .slice(since)
    .map((d) => d.event)
    .filter((e) => (e.data.object as { customer?: unknown }).customer === customerId);
}

describe("test clocks", () => {
  it("create, retrieve, list and the advance response shape", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0, name: "shape" });
    expect(clock).toMatchObject({ object: "test_helpers.test_clock", frozen_time: T0, name: "shape", status: "ready" });
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + DAY });
    expect(advancing.status).toBe("advancing");
    expect(advancing.status_details.advancing?.target_frozen_time).toBe(T0 + DAY);
    const ready = await stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(ready).toMatchObject({ status: "ready", frozen_time: T0 + DAY });
    await expect(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 })).rejects.toMatchObject({
      param: "frozen_time",
    });
    expect((await stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id);
    const customer = await stripe.customers.create({ test_clock: clock.id });
    expect(customer.created).toBe(T0 + DAY);
    expect((await stripe.customers.list({ test_clock: clock.id })).data).toHaveLength(1);
    expect(await stripe.testHelpers.testClocks.del(clock.id)).toMatchObject({ deleted: true });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ id: customer.id, deleted: true });
  });

  it("renews at the period end and charges the default card", async () => {
    const { clock, sub, customer } = await subscribed();
    const since = await mark();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 3600 });
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(renewed.status).toBe("active");
    expect(renewed.items.data[0]).toMatchObject({ current_period_start: APR_1, current_period_end: MAY_1 });
    const inv = renewed.latest_invoice as Stripe.Invoice;
    expect(inv).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      total: 2000,
      created: APR_1,
      period_start: T0,
      period_end: APR_1,
    });
    expect(inv.number).toBe(`${customer.invoice_prefix}-0002`);
    const types = (await eventsFor(customer.id, since)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "customer.subscription.updated",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
      ]),
    );
    await emu.idle();
    const clockEvents = sink.deliveries.slice(since).filter((d) => d.event.type.startsWith("test_helpers.test_clock"));
    expect(clockEvents.map((d) => d.event.type)).toEqual([
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.ready",
    ]);
    const created = (await eventsFor(customer.id, since)).find((e) => e.type === "invoice.created")!;
    expect(created.created).toBe(APR_1);
    expect(created.request).toEqual({ id: null, idempotency_key: null });
  });

  it("a card that starts declining: payment_failed + past_due, then new card + pay → active", async () => {
    const { clock, sub, customer } = await subscribed();
    const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });

    const since = await mark();
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 3600 });
    const pastDue = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(pastDue.status).toBe("past_due");
    const inv = pastDue.latest_invoice as Stripe.Invoice;
    expect(inv).toMatchObject({
      status: "open",
      attempt_count: 1,
      attempted: true,
      amount_remaining: 2000,
      next_payment_attempt: APR_1 + 3 * DAY,
    });
    const events = await eventsFor(customer.id, since);
    const failed = events.find((e) => e.type === "invoice.payment_failed")!;
    expect((failed.data.object as Stripe.Invoice).id).toBe(inv.id);
    expect(events.map((e) => e.type)).toContain("payment_intent.payment_failed");
    const toPastDue = events.find(
      (e) => e.type === "customer.subscription.updated" && (e.data.object as Stripe.Subscription).status === "past_due",
    )!;
    expect(toPastDue.data.previous_attributes).toMatchObject({ status: "active" });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).delinquent).toBe(true);

    const pi = await stripe.paymentIntents.list({ customer: customer.id });
    expect(pi.data[0]).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "card_declined", decline_code: "generic_decline" },
    });

    const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    const paid = await stripe.invoices.pay(inv.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2000, attempt_count: 2, next_payment_attempt: null });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).delinquent).toBe(false);
  });

  it("a failed pay() raises the card error and counts the attempt", async () => {
    const { clock, sub, customer } = await subscribed();
    const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 60 });
    const inv = (await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] }))
      .latest_invoice as Stripe.Invoice;
    const err = await stripe.invoices.pay(inv.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await stripe.invoices.retrieve(inv.id)).attempt_count).toBe(2);
  });

  it("retries on schedule, then cancels and marks the invoice uncollectible", async () => {
    const { clock, sub, customer } = await subscribed();
    const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 60 });
    const invId = String((await stripe.subscriptions.retrieve(sub.id)).latest_invoice);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 4 * DAY });
    expect(await stripe.invoices.retrieve(invId)).toMatchObject({
      attempt_count: 2,
      next_payment_attempt: APR_1 + 3 * DAY + 5 * DAY,
    });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 20 * DAY });
    expect(await stripe.invoices.retrieve(invId)).toMatchObject({
      status: "uncollectible",
      attempt_count: 4,
      next_payment_attempt: null,
    });
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: "canceled", cancellation_details: { reason: "payment_failed" } });
  });

  it("3D Secure cards: requires_action on sign-up, authentication_required when charged off-session", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const { customer, monthly } = await seedCustomer(stripe, {
      clock: clock.id,
      card: "pm_card_authenticationRequired",
    });
    const since = await mark();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: ["latest_invoice.payments"],
    });
    expect(sub.status).toBe("incomplete");
    const piId = String((sub.latest_invoice as Stripe.Invoice).payments!.data[0]!.payment.payment_intent);
    const pi = await stripe.paymentIntents.retrieve(piId);
    expect(pi).toMatchObject({ status: "requires_action", next_action: { type: "use_stripe_sdk" } });
    expect((await eventsFor(customer.id, since)).map((e) => e.type)).toContain("invoice.payment_action_required");

    // Emulator-only stand-in for the customer completing 3DS in Stripe.js:
    const res = await fetch(`${emu.url}/_emulator/payment_intents/${piId}/authenticate`, {
      method: "POST",
      headers: { Authorization: "Bearer sk_test_x" },
    });
    expect(((await res.json()) as Stripe.PaymentIntent).status).toBe("succeeded");
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APR_1 + 60 });
    const renewal = await stripe.paymentIntents.list({ customer: customer.id, limit: 1 });
    expect(renewal.data[0]!.last_payment_error).toMatchObject({
      code: "authentication_required",
      decline_code: "authentication_required",
    });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
  });

  it("expires an unpaid first invoice after 23 hours", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const { customer, monthly } = await seedCustomer(stripe, { clock: clock.id, card: "pm_card_chargeCustomerFail" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    expect(sub.status).toBe("incomplete");
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + DAY });
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "incomplete_expired" });
    expect(await stripe.invoices.retrieve(String(sub.latest_invoice))).toMatchObject({ status: "void" });
  });
});
