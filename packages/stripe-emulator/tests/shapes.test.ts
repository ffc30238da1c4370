import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { DAY, WebhookSink, raw, seedCustomer, startTestEmulator, Stripe } from "./helpers";
import { loadFixtures, loadStripeSchemas } from "./stripe-schemas";

/**
 * Every object the emulator returns must validate against Stripe's schema (with the documented
 * drift) and carry every key the current Stripe fixture has.
 */

/** Keys in the 2026-07-29 fixtures that the SDK types for 2026-10-28.endive no longer have. */
const FIXTURE_KEYS_REMOVED_FROM_TYPES: Record<string, string[]> = {
  // Removed in 2025-03-31.basil (now parent.subscription_details.subscription); absent from Stripe.Invoice.
  invoice: ["subscription"],
};

let emu: RunningEmulator;
let stripe: Stripe;
const sink = new WebhookSink();
const objects: Record<string, Record<string, unknown>> = {};
const schemas = loadStripeSchemas();
const fixtures = loadFixtures();

async function get(path: string): Promise<Record<string, unknown>> {
  const res = await raw(emu, "GET", path);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

beforeAll(async () => {
  await sink.start();
  ({ emu, stripe } = await startTestEmulator({ webhookUrl: sink.url }));
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  const { customer, monthly, product } = await seedCustomer(stripe, { clock: clock.id });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
  await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, quantity: 2 }] });
  const si = await stripe.setupIntents.create({
    customer: customer.id,
    payment_method: "pm_card_mastercard",
    confirm: true,
  });
  const invoiceId = String(sub.latest_invoice);
  const invoice = await get(`/v1/invoices/${invoiceId}`);
  const pi = await get(`/v1/payment_intents?customer=${customer.id}`);
  const piId = String(((pi.data as Array<Record<string, unknown>>)[0] ?? {}).id);
  const piObj = await get(`/v1/payment_intents/${piId}`);
  Object.assign(objects, {
    customer: await get(`/v1/customers/${customer.id}`),
    payment_method: await get(`/v1/payment_methods/${String(customer.invoice_settings.default_payment_method)}`),
    setup_intent: await get(`/v1/setup_intents/${si.id}`),
    subscription: await get(`/v1/subscriptions/${sub.id}`),
    subscription_item: await get(`/v1/subscription_items/${sub.items.data[0]!.id}`),
    price: await get(`/v1/prices/${monthly.id}`),
    product: await get(`/v1/products/${product.id}`),
    invoice,
    line_item: (invoice.lines as { data: Array<Record<string, unknown>> }).data[0],
    payment_intent: piObj,
    charge: await get(`/v1/charges/${String(piObj.latest_charge)}`),
    "test_helpers.test_clock": await get(`/v1/test_helpers/test_clocks/${clock.id}`),
  });
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: clock.frozen_time + 32 * DAY });
  await emu.idle();
  const events = await get(`/v1/events?type=customer.subscription.updated&limit=1`);
  objects.event = (events.data as Array<Record<string, unknown>>)[0]!;
});

afterAll(async () => {
  await emu.stop();
  await sink.stop();
});

const RESOURCES = [
  "customer",
  "payment_method",
  "setup_intent",
  "subscription",
  "subscription_item",
  "price",
  "product",
  "invoice",
  "line_item",
  "payment_intent",
  "charge",
  "test_helpers.test_clock",
  "event",
];

describe("object shapes", () => {
  it.each(RESOURCES)("%s validates against Stripe's schema", (resource) => {
    const validate = schemas.validator(resource === "line_item" ? "invoice line item" : resource);
    const ok = validate(objects[resource]);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(RESOURCES)("%s has every key of Stripe's fixture", (resource) => {
    const fixture = fixtures[resource]!;
    const skip = FIXTURE_KEYS_REMOVED_FROM_TYPES[resource] ?? [];
    const missing = Object.keys(fixture).filter((k) => !skip.includes(k) && !(k in objects[resource]!));
    expect(missing).toEqual([]);
  });

  it("every delivered webhook event validates as an event envelope", () => {
    const validate = schemas.validator("event");
    expect(sink.deliveries.length).toBeGreaterThan(10);
    for (const d of sink.deliveries) {
      expect(validate(d.event), `${d.event.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(d.event.api_version).toBe(Stripe.API_VERSION);
    }
  });

  it("event data objects validate against their resource schema", () => {
    const byObject: Record<string, string> = {
      customer: "customer",
      subscription: "subscription",
      invoice: "invoice",
      payment_method: "payment_method",
      payment_intent: "payment_intent",
      setup_intent: "setup_intent",
      charge: "charge",
    };
    for (const d of sink.deliveries) {
      const obj = d.event.data.object as unknown as Record<string, unknown>;
      const resource = byObject[String(obj.object)];
      if (!resource) continue;
      const validate = schemas.validator(resource);
      expect(validate(obj), `${d.event.type}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });
});
