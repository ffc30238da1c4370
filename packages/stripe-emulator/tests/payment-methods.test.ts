import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { WebhookSink, raw, startTestEmulator, Stripe } from "./helpers";

let emu: RunningEmulator;
let stripe: Stripe;
const sink = new WebhookSink();

beforeAll(async () => {
  await sink.start();
  ({ emu, stripe } = await startTestEmulator({ webhookUrl: sink.url }));
});
afterAll(async () => {
  await emu.stop();
  await sink.stop();
});

async function eventsOf(id: string): Promise<string[]> {
  await emu.idle();
  return sink.deliveries.filter((d) => (d.event.data.object as { id?: string }).id === id).map((d) => d.event.type);
}

describe("test payment methods", () => {
  it.each([
    ["pm_card_visa", "visa", "4242"],
    ["pm_card_mastercard", "mastercard", "4444"],
    ["pm_card_amex", "amex", "8431"],
    ["pm_card_chargeDeclined", "visa", "0002"],
    ["pm_card_chargeDeclinedInsufficientFunds", "visa", "9995"],
    ["pm_card_authenticationRequired", "visa", "3184"],
    ["pm_card_chargeCustomerFail", "visa", "0341"],
  ])("%s becomes a new pm_… with realistic card details", async (token, brand, last4) => {
    const pm = await stripe.paymentMethods.retrieve(token);
    expect(pm.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);
    expect(pm.type).toBe("card");
    expect(pm.card).toMatchObject({ brand, last4, funding: "credit", country: "US", checks: { cvc_check: "pass" } });
    expect(pm.card!.exp_year).toBeGreaterThan(new Date().getUTCFullYear());
  });

  it("attaches, lists and detaches with events", async () => {
    const customer = await stripe.customers.create({ email: "pm@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    expect(pm.customer).toBe(customer.id);
    await stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id });
    const listed = await stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((p) => p.card?.brand)).toEqual(["mastercard", "visa"]);
    expect((await stripe.paymentMethods.list({ customer: customer.id, type: "card" })).data).toHaveLength(2);

    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const detached = await stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
    expect(await eventsOf(pm.id)).toEqual(["payment_method.attached", "payment_method.detached"]);
  });

  it("refuses a default payment method that is not the customer's", async () => {
    const customer = await stripe.customers.create({});
    const stranger = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await expect(
      stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: stranger.id } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: "invoice_settings[default_payment_method]",
    });
  });

  it.each([
    ["pm_card_chargeDeclined", "card_declined", "generic_decline"],
    ["pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"],
  ])("attaching %s fails with a card error", async (token, code, declineCode) => {
    const customer = await stripe.customers.create({});
    const err = await stripe.paymentMethods.attach(token, { customer: customer.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code, decline_code: declineCode });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
  });

  it("attaches pm_card_chargeCustomerFail (it only fails when charged)", async () => {
    const customer = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    expect(pm.card?.last4).toBe("0341");
  });
});

describe("setup intents", () => {
  it("succeeds and attaches the card to the customer", async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      automatic_payment_methods: { enabled: true },
    });
    expect(si.status).toBe("requires_payment_method");
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`));
    expect(si.usage).toBe("off_session");
    const confirmed = await stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" });
    expect(confirmed.status).toBe("succeeded");
    const pm = await stripe.paymentMethods.retrieve(String(confirmed.payment_method));
    expect(pm.customer).toBe(customer.id);
    expect(await eventsOf(si.id)).toEqual(["setup_intent.created", "setup_intent.succeeded"]);
  });

  it("confirms on create", async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_amex",
      confirm: true,
      usage: "off_session",
    });
    expect(si.status).toBe("succeeded");
  });

  it("requires action for 3D Secure cards, until the customer authenticates", async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_authenticationRequired",
      confirm: true,
    });
    expect(si.status).toBe("requires_action");
    expect(si.next_action?.type).toBe("use_stripe_sdk");
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
    // Emulator-only stand-in for Stripe.js completing 3DS:
    const done = await raw(emu, "POST", `/_emulator/setup_intents/${si.id}/authenticate`, "outcome=succeed");
    expect(done.json.status).toBe("succeeded");
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
    expect(await eventsOf(si.id)).toEqual([
      "setup_intent.created",
      "setup_intent.requires_action",
      "setup_intent.succeeded",
    ]);
  });

  it("declines with a 402 carrying the setup intent, left in requires_payment_method", async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id });
    const err = (await stripe.setupIntents
      .confirm(si.id, { payment_method: "pm_card_chargeDeclined" })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });
    expect(err.setup_intent).toMatchObject({
      id: si.id,
      status: "requires_payment_method",
      last_setup_error: { code: "card_declined" },
    });
    const after = await stripe.setupIntents.retrieve(si.id);
    expect(after.status).toBe("requires_payment_method");
    expect(after.last_setup_error?.decline_code).toBe("generic_decline");
    expect(await eventsOf(si.id)).toEqual(["setup_intent.created", "setup_intent.setup_failed"]);

    const retried = await stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" });
    expect(retried.status).toBe("succeeded");
    expect(retried.last_setup_error).toBeNull();
  });

  it("cancels", async () => {
    const si = await stripe.setupIntents.create({});
    const canceled = await stripe.setupIntents.cancel(si.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    await expect(stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" })).rejects.toMatchObject({
      code: "setup_intent_unexpected_state",
    });
  });
});
