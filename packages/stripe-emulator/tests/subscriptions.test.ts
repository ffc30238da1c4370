import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { DAY, WebhookSink, seedCustomer, startTestEmulator, Stripe } from "./helpers";

let emu: RunningEmulator;
let stripe: Stripe;
const sink = new WebhookSink();

/** 15 Jan 2026 12:00 UTC: the first monthly period is 31 days long. */
const T0 = Date.UTC(2026, 0, 15, 12) / 1000;
const FEB_15 = Date.UTC(2026, 1, 15, 12) / 1000;

beforeAll(async () => {
  await sink.start();
  ({ emu, stripe } = await startTestEmulator({ webhookUrl: sink.url }));
});
afterAll(async () => {
  await emu.stop();
  await sink.stop();
});

async function onClock(card = "pm_card_visa") {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  return { clock, ...(await seedCustomer(stripe, { clock: clock.id, card })) };
}

async function eventTypesFor(customerId: string): Promise<string[]> {
  await emu.idle();
  return sink.deliveries
    .filter((d) => {
      const o = d.event.data.object as { id?: string; customer?: unknown };
      return o.customer === customerId || o.id === customerId;
    })
    .map((d) => d.event.type);
}

const invoiceOf = (sub: Stripe.Subscription) => sub.latest_invoice as Stripe.Invoice;

describe("create", () => {
  it("charges the first invoice with the default card and starts active", async () => {
    const { customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id, quantity: 2 }],
      metadata: { org: "acme" },
      expand: ["latest_invoice.payments"],
    });
    expect(sub.status).toBe("active");
    expect(sub.created).toBe(T0);
    expect(sub.items.data[0]).toMatchObject({ quantity: 2, current_period_start: T0, current_period_end: FEB_15 });
    const inv = invoiceOf(sub);
    expect(inv).toMatchObject({
      status: "paid",
      billing_reason: "subscription_create",
      amount_due: 4000,
      amount_paid: 4000,
      amount_remaining: 0,
      total: 4000,
      attempt_count: 1,
      parent: {
        type: "subscription_details",
        subscription_details: { subscription: sub.id, metadata: { org: "acme" } },
      },
    });
    expect(inv.number).toBe(`${customer.invoice_prefix}-0001`);
    expect(inv.hosted_invoice_url).toBe(`${emu.url}/invoices/${inv.id}`);
    expect(inv.lines.data[0]).toMatchObject({
      amount: 4000,
      description: "2 × Pro (at $20.00 / month)",
      period: { start: T0, end: FEB_15 },
      parent: {
        type: "subscription_item_details",
        subscription_item_details: { subscription_item: sub.items.data[0]!.id, proration: false },
      },
    });
    const payment = inv.payments!.data[0]!;
    expect(payment).toMatchObject({ status: "paid", amount_paid: 4000 });
    const pi = await stripe.paymentIntents.retrieve(String(payment.payment.payment_intent), {
      expand: ["latest_charge"],
    });
    expect(pi.status).toBe("succeeded");
    expect((pi.latest_charge as Stripe.Charge).outcome).toMatchObject({
      type: "authorized",
      network_status: "approved_by_network",
    });

    const page = await fetch(inv.hosted_invoice_url!);
    expect(page.status).toBe(200);
    const pdf = await fetch(inv.invoice_pdf!);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect((await pdf.text()).startsWith("%PDF-1.4")).toBe(true);

    expect(await eventTypesFor(customer.id)).toEqual(
      expect.arrayContaining([
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "payment_intent.succeeded",
      ]),
    );
  });

  it("error_if_incomplete + declined card: 402 and nothing is created", async () => {
    const { customer, monthly } = await onClock("pm_card_chargeCustomerFail");
    const before = (await eventTypesFor(customer.id)).length;
    const err = await stripe.subscriptions
      .create({ customer: customer.id, items: [{ price: monthly.id }], payment_behavior: "error_if_incomplete" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline" });
    expect((await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data).toHaveLength(0);
    expect((await stripe.invoices.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await eventTypesFor(customer.id)).length).toBe(before);
  });

  it("allow_incomplete + declined card: incomplete until the invoice is paid with a new card", async () => {
    const { customer, monthly } = await onClock("pm_card_chargeCustomerFail");
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: ["latest_invoice"],
    });
    expect(sub.status).toBe("incomplete");
    const inv = invoiceOf(sub);
    expect(inv).toMatchObject({ status: "open", attempt_count: 1, amount_remaining: 2000, next_payment_attempt: null });

    const good = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const paid = await stripe.invoices.pay(inv.id, { payment_method: good.id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2000, attempt_count: 2 });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("default_incomplete: the front end confirms the invoice's PaymentIntent", async () => {
    const { customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      payment_behavior: "default_incomplete",
      payment_settings: { save_default_payment_method: "on_subscription" },
      expand: ["latest_invoice.confirmation_secret", "latest_invoice.payments"],
    });
    expect(sub.status).toBe("incomplete");
    const inv = invoiceOf(sub);
    expect(inv.confirmation_secret?.type).toBe("payment_intent");
    const piId = String(inv.payments!.data[0]!.payment.payment_intent);
    const pi = await stripe.paymentIntents.confirm(piId, { payment_method: "pm_card_mastercard" });
    expect(pi.status).toBe("succeeded");
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe("active");
    expect(after.default_payment_method).toBe(pi.payment_method);
  });

  it("trials: $0 invoice now, trial_will_end 3 days before, first charge at trial end", async () => {
    const { clock, customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
      expand: ["latest_invoice"],
    });
    expect(sub).toMatchObject({ status: "trialing", trial_start: T0, trial_end: T0 + 14 * DAY });
    expect(invoiceOf(sub)).toMatchObject({ status: "paid", total: 0 });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 12 * DAY });
    expect(await eventTypesFor(customer.id)).toContain("customer.subscription.trial_will_end");
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.status).toBe("active");
    expect(invoiceOf(after)).toMatchObject({ status: "paid", total: 2000, billing_reason: "subscription_cycle" });
    expect(after.items.data[0]!.current_period_start).toBe(T0 + 14 * DAY);
  });
});

describe("update", () => {
  it("quantity increase mid-period: proration items follow the formula and land on the next invoice", async () => {
    const { clock, customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const now = T0 + 10 * DAY;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now });

    const remaining = FEB_15 - now;
    const period = FEB_15 - T0;
    const credit = -Math.round((2000 * 1 * remaining) / period);
    const debit = Math.round((2000 * 3 * remaining) / period);
    expect([credit, debit]).toEqual([-1355, 4065]);

    const itemId = sub.items.data[0]!.id;
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: sub.id,
      subscription_details: { items: [{ id: itemId, quantity: 3 }], proration_date: now },
    });
    expect(preview.id).toMatch(/^upcoming_in_/);
    expect(preview.lines.data.map((l) => l.amount)).toEqual([credit, debit, 6000]);
    expect(preview.total).toBe(credit + debit + 6000);
    expect(preview.parent?.subscription_details?.subscription_proration_date).toBe(now);

    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: itemId, quantity: 3 }],
      proration_behavior: "create_prorations",
    });
    expect(updated.items.data[0]!.quantity).toBe(3);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const byAmount = pending.data.map((ii) => [ii.amount, ii.description, ii.proration]).sort();
    expect(byAmount).toEqual([
      [-1355, "Unused time on Pro after 25 Jan 2026", true],
      [4065, "Remaining time on 3 × Pro after 25 Jan 2026", true],
    ]);
    const upcoming = await stripe.invoices.createPreview({ customer: customer.id, subscription: sub.id });
    expect(upcoming.total).toBe(preview.total);

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_15 + 3600 });
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    const inv = invoiceOf(renewed);
    expect(inv).toMatchObject({ billing_reason: "subscription_cycle", status: "paid", total: credit + debit + 6000 });
    const proration = inv.lines.data.find((l) => l.amount === debit)!;
    expect(proration.parent?.subscription_item_details).toMatchObject({ proration: true, subscription_item: itemId });
    expect(proration.parent?.subscription_item_details?.invoice_item).toMatch(/^ii_/);
    expect((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toHaveLength(0);
  });

  it("always_invoice bills the prorations immediately", async () => {
    const { clock, customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 10 * DAY });
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 2 }],
      proration_behavior: "always_invoice",
      expand: ["latest_invoice"],
    });
    expect(invoiceOf(updated)).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      total: -1355 + 2710,
    });
  });

  it("monthly → annual resets the period and invoices now with credit for unused time", async () => {
    const { clock, customer, monthly, annual } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const now = T0 + 10 * DAY;
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now });
    const switched = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: annual.id }],
      proration_behavior: "create_prorations",
      expand: ["latest_invoice"],
    });
    expect(switched.billing_cycle_anchor).toBe(now);
    expect(switched.items.data[0]).toMatchObject({
      current_period_start: now,
      current_period_end: Date.UTC(2027, 0, 25, 12) / 1000,
    });
    expect(switched.items.data[0]!.price.id).toBe(annual.id);
    const inv = invoiceOf(switched);
    expect(inv).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(inv.lines.data.map((l) => [l.amount, l.description])).toEqual([
      [-1355, "Unused time on Pro after 25 Jan 2026"],
      [20000, "1 × Pro (at $200.00 / year)"],
    ]);
    expect(inv.total).toBe(18645);
  });

  it("cancel_at_period_end, un-cancel, then cancel for real at the period end", async () => {
    const { clock, customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const canceling = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(canceling).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: FEB_15,
      canceled_at: T0,
      cancellation_details: { reason: "cancellation_requested" },
    });
    await emu.idle();
    const updatedEvent = sink.deliveries
      .filter(
        (d) =>
          d.event.type === "customer.subscription.updated" &&
          (d.event.data.object as Stripe.Subscription).id === sub.id,
      )
      .at(-1)!;
    expect(updatedEvent.event.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });

    const resumed = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      cancellation_details: { reason: null },
    });

    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_15 + DAY });
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: FEB_15 });
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    expect(await eventTypesFor(customer.id)).toContain("customer.subscription.deleted");
    await expect(
      stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, quantity: 2 }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it("cancels immediately", async () => {
    const { customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled).toMatchObject({ status: "canceled", canceled_at: T0, ended_at: T0 });
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: "canceled" })).data).toHaveLength(1);
  });

  it("previews an interval switch and a new subscription without changing anything", async () => {
    const { clock, customer, monthly, annual } = await onClock();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 10 * DAY });
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: sub.id,
      subscription_details: { items: [{ id: sub.items.data[0]!.id, price: annual.id }] },
    });
    expect(preview.lines.data.map((l) => l.amount)).toEqual([-1355, 20000]);
    expect(preview.total).toBe(18645);
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(monthly.id);
    expect((await stripe.invoices.list({ customer: customer.id })).data).toHaveLength(1);

    const fresh = await stripe.customers.create({ test_clock: clock.id });
    const first = await stripe.invoices.createPreview({
      customer: fresh.id,
      subscription_details: { items: [{ price: annual.id, quantity: 2 }] },
    });
    expect(first).toMatchObject({ total: 40000, amount_due: 40000, status: "draft" });
    expect((await stripe.subscriptions.list({ customer: fresh.id, status: "all" })).data).toHaveLength(0);
    await expect(stripe.invoices.createPreview({ customer: fresh.id })).rejects.toMatchObject({
      statusCode: 404,
      code: "invoice_upcoming_none",
    });
  });

  it("finds subscriptions and customers with search", async () => {
    const { customer, monthly } = await onClock();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      metadata: { org: `org_${customer.id}` },
    });
    const found = await stripe.subscriptions.search({ query: `metadata['org']:'org_${customer.id}'` });
    expect(found.data.map((s) => s.id)).toEqual([sub.id]);
    const byEmail = await stripe.customers.search({ query: `email:'owner@example.com' AND name:'Owner'` });
    expect(byEmail.data.map((c) => c.id)).toContain(customer.id);
  });

  it("validates items and payment methods", async () => {
    const { customer, monthly } = await onClock();
    await expect(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: "price_nope" }] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
      param: "items[0][price]",
    });
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: monthly.id }],
        default_payment_method: "pm_nope",
      }),
    ).rejects.toMatchObject({
      param: "default_payment_method",
    });
    const bare = await stripe.customers.create({});
    await expect(
      stripe.subscriptions.create({ customer: bare.id, items: [{ price: monthly.id }] }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});
