import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { DAY, WebhookSink, seedCustomer, startTestEmulator, Stripe } from "./helpers";

/** Customer balances (credit from a cheaper interval, applied to the next invoices) and customer tax IDs. */

let emu: RunningEmulator;
let stripe: Stripe;
const sink = new WebhookSink();
const T0 = Date.UTC(2026, 0, 15, 12) / 1000;

beforeAll(async () => {
  await sink.start();
  ({ emu, stripe } = await startTestEmulator({ webhookUrl: sink.url }));
});
afterAll(async () => {
  await emu.stop();
  await sink.stop();
});

const balanceOf = async (id: string) => ((await stripe.customers.retrieve(id)) as Stripe.Customer).balance;

describe("customer balance", () => {
  it("holds the credit of an annual → monthly switch and spends it on the next invoices", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const { customer, monthly, annual } = await seedCustomer(stripe, { clock: clock.id });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: annual.id, quantity: 3 }],
    });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 10 * DAY });
    const change = {
      items: [{ id: sub.items.data[0]!.id, price: monthly.id, quantity: 3 }],
      proration_behavior: "always_invoice" as const,
    };
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: sub.id,
      subscription_details: change,
    });
    // 3 × $200 a year, 355 of 365 days unused: −$583.56 credit; 3 × $20 for the new month.
    expect(preview.lines.data.map((l) => l.amount)).toEqual([-58_356, 6_000]);
    expect(preview).toMatchObject({ total: -52_356, amount_due: 0, starting_balance: 0, ending_balance: -52_356 });
    expect(await balanceOf(customer.id)).toBe(0);

    const switched = await stripe.subscriptions.update(sub.id, { ...change, expand: ["latest_invoice"] });
    const credit = switched.latest_invoice as Stripe.Invoice;
    expect(credit).toMatchObject({
      status: "paid",
      total: -52_356,
      amount_due: 0,
      amount_paid: 0,
      ending_balance: -52_356,
    });
    expect(await balanceOf(customer.id)).toBe(-52_356);
    await emu.idle();
    const update = sink.deliveries.filter(
      (d) => d.event.type === "customer.updated" && (d.event.data.object as Stripe.Customer).id === customer.id,
    );
    expect(update.at(-1)?.event.data.previous_attributes).toMatchObject({ balance: 0 });

    // The upcoming renewal: $60, paid from the credit; $463.56 left.
    const upcoming = await stripe.invoices.createPreview({ customer: customer.id, subscription: sub.id });
    expect(upcoming).toMatchObject({ total: 6_000, amount_due: 0, starting_balance: -52_356, ending_balance: -46_356 });

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 45 * DAY });
    const renewal = (await stripe.invoices.list({ customer: customer.id, limit: 1 })).data[0]!;
    expect(renewal).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      total: 6_000,
      amount_due: 0,
      amount_paid: 0,
      starting_balance: -52_356,
      ending_balance: -46_356,
    });
    expect(await balanceOf(customer.id)).toBe(-46_356);
  });

  it("adds an owed balance to the next invoice", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const { customer, monthly } = await seedCustomer(stripe, { clock: clock.id });
    await stripe.customers.update(customer.id, { balance: 500 });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: ["latest_invoice"],
    });
    expect(sub.latest_invoice).toMatchObject({ total: 2_000, amount_due: 2_500, amount_paid: 2_500 });
    expect(await balanceOf(customer.id)).toBe(0);
  });
});

describe("customer tax IDs", () => {
  it("creates, lists, snapshots on invoices and deletes tax IDs; refuses a malformed one", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const { customer, monthly } = await seedCustomer(stripe, { clock: clock.id });
    const vat = await stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "DE123456789" });
    expect(vat).toMatchObject({
      object: "tax_id",
      type: "eu_vat",
      value: "DE123456789",
      country: "DE",
      customer: customer.id,
      verification: { status: "pending" },
    });
    expect(vat.id).toMatch(/^txi_/);
    await expect(stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "123" })).rejects.toMatchObject({
      statusCode: 400,
      code: "tax_id_invalid",
      param: "value",
    });
    await expect(
      stripe.customers.createTaxId("cus_missing", { type: "eu_vat", value: "DE123456789" }),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
    expect((await stripe.customers.listTaxIds(customer.id)).data.map((t) => t.id)).toEqual([vat.id]);

    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: ["latest_invoice"],
    });
    expect((sub.latest_invoice as Stripe.Invoice).customer_tax_ids).toEqual([{ type: "eu_vat", value: "DE123456789" }]);

    expect(await stripe.customers.deleteTaxId(customer.id, vat.id)).toMatchObject({ id: vat.id, deleted: true });
    expect((await stripe.customers.listTaxIds(customer.id)).data).toEqual([]);
    await expect(stripe.customers.deleteTaxId(customer.id, vat.id)).rejects.toMatchObject({ statusCode: 404 });
    await emu.idle();
    const types = sink.deliveries.map((d) => d.event.type);
    expect(types).toContain("customer.tax_id.created");
    expect(types).toContain("customer.tax_id.deleted");
  });
});
