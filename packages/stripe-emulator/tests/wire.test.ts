import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../index";
import { parseForm } from "../http/form";
import { API_KEY, raw, seedCustomer, startTestEmulator, Stripe } from "./helpers";

let emu: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ emu, stripe } = await startTestEmulator());
});
afterAll(() => emu.stop());

describe("form encoding", () => {
  it("parses nested keys, indexed and appended arrays, and empty strings", () => {
    const form = parseForm(
      "items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price_b&metadata[org]=acme&metadata[gone]=&expand[]=a&expand[]=b.c&name=Jane+Doe&q=%5Bx%5D",
    );
    expect(form).toEqual({
      items: [{ price: "price_a", quantity: "2" }, { price: "price_b" }],
      metadata: { org: "acme", gone: "" },
      expand: ["a", "b.c"],
      name: "Jane Doe",
      q: "[x]",
    });
    expect(parseForm("expand[0]=x&expand[1]=y")).toEqual({ expand: ["x", "y"] });
  });

  it("unsets metadata keys with an empty string", async () => {
    const c = await stripe.customers.create({ metadata: { a: "1", b: "2" } });
    const updated = await stripe.customers.update(c.id, { metadata: { a: "" } });
    expect(updated.metadata).toEqual({ b: "2" });
  });
});

describe("HTTP basics", () => {
  it("answers health checks", async () => {
    for (const path of ["/", "/health"]) {
      const res = await fetch(`${emu.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true });
    }
  });

  it("needs a test secret key", async () => {
    const res = await fetch(`${emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect((await res.json()) as unknown).toMatchObject({ error: { type: "authentication_error" } });
    const live = new Stripe("sk_live_nope", { host: "127.0.0.1", port: emu.port, protocol: "http" });
    await expect(live.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it("sends Request-Id and echoes Stripe-Version", async () => {
    const res = await raw(emu, "GET", "/v1/customers", undefined, { "Stripe-Version": "2026-10-28.endive" });
    expect(res.headers.get("request-id")).toMatch(/^req_[A-Za-z0-9]+$/);
    expect(res.headers.get("stripe-version")).toBe("2026-10-28.endive");
  });

  it("answers unknown routes with a Stripe 404", async () => {
    const res = await raw(emu, "GET", "/v1/nope");
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ type: "invalid_request_error" });
  });

  it("raises the SDK's error classes", async () => {
    const missing = await stripe.customers.retrieve("cus_doesnotexist").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id" });
    const bad = await stripe.prices
      .create({ currency: "usd", unit_amount: 100 } as Stripe.PriceCreateParams)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(bad).toMatchObject({ statusCode: 400, param: "product" });
    const notInt = await raw(emu, "POST", "/v1/prices", "currency=usd&unit_amount=abc&product_data[name]=x");
    expect(notInt.json.error).toMatchObject({ code: "parameter_invalid_integer", param: "unit_amount" });
  });
});

describe("lists", () => {
  it("pages newest first with limit, starting_after and ending_before", async () => {
    const email = `page-${Date.now()}@example.com`;
    const created: string[] = [];
    for (let i = 0; i < 13; i++) created.push((await stripe.customers.create({ email })).id);
    const newestFirst = [...created].reverse();

    const first = await stripe.customers.list({ email, limit: 5 });
    expect(first.object).toBe("list");
    expect(first.url).toBe("/v1/customers");
    expect(first.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 5));
    expect(first.has_more).toBe(true);

    const second = await stripe.customers.list({ email, limit: 5, starting_after: first.data[4]!.id });
    expect(second.data.map((c) => c.id)).toEqual(newestFirst.slice(5, 10));
    const back = await stripe.customers.list({ email, limit: 5, ending_before: second.data[0]!.id });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 5));
    expect((await stripe.customers.list({ email })).data).toHaveLength(10);

    const all = await stripe.customers.list({ email, limit: 4 }).autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.id)).toEqual(newestFirst);
    await expect(stripe.customers.list({ limit: 101 })).rejects.toMatchObject({ param: "limit" });
  });

  it("filters prices by lookup_keys and moves a key with transfer_lookup_key", async () => {
    const a = await stripe.prices.create({
      product_data: { name: "A" },
      unit_amount: 100,
      currency: "usd",
      lookup_key: "lk_x",
    });
    await expect(
      stripe.prices.create({ product_data: { name: "B" }, unit_amount: 1, currency: "usd", lookup_key: "lk_x" }),
    ).rejects.toMatchObject({ param: "lookup_key" });
    const b = await stripe.prices.create({
      product_data: { name: "B" },
      unit_amount: 200,
      currency: "usd",
      lookup_key: "lk_x",
      transfer_lookup_key: true,
    });
    const found = await stripe.prices.list({ lookup_keys: ["lk_x"] });
    expect(found.data.map((p) => p.id)).toEqual([b.id]);
    expect((await stripe.prices.retrieve(a.id)).lookup_key).toBeNull();
  });
});

describe("expand", () => {
  it("expands nested and list paths, and includable fields", async () => {
    const { customer, monthly } = await seedCustomer(stripe);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      expand: [
        "latest_invoice.payments.data.payment.payment_intent",
        "customer.invoice_settings.default_payment_method",
        "default_payment_method",
      ],
    });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.object).toBe("invoice");
    const pi = invoice.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(pi.object).toBe("payment_intent");
    expect(pi.status).toBe("succeeded");
    const cust = sub.customer as Stripe.Customer;
    expect((cust.invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4).toBe("4242");

    const list = await stripe.subscriptions.list({ customer: customer.id, expand: ["data.latest_invoice"] });
    expect((list.data[0]!.latest_invoice as Stripe.Invoice).id).toBe(invoice.id);

    const secret = await stripe.invoices.retrieve(invoice.id, { expand: ["confirmation_secret"] });
    expect(secret.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    await expect(stripe.invoices.retrieve(invoice.id, { expand: ["currency"] })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(stripe.invoices.retrieve(invoice.id, { expand: ["a.b.c.d.e"] })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe("idempotency", () => {
  it("replays the first response byte for byte", async () => {
    const key = `idem-${Date.now()}`;
    const body = "email=replay%40example.com&metadata[n]=1";
    const first = await raw(emu, "POST", "/v1/customers", body, { "Idempotency-Key": key });
    const second = await raw(emu, "POST", "/v1/customers", body, { "Idempotency-Key": key });
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("request-id")).toBe(first.headers.get("request-id"));
    const list = await stripe.customers.list({ email: "replay@example.com" });
    expect(list.data).toHaveLength(1);
  });

  it("rejects the same key with different parameters", async () => {
    const key = `idem-mismatch-${Date.now()}`;
    await stripe.customers.create({ email: "one@example.com" }, { idempotencyKey: key });
    const err = await stripe.customers
      .create({ email: "two@example.com" }, { idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError", rawType: "idempotency_error" });
    const otherPath = await raw(emu, "POST", "/v1/products", "email=one%40example.com", { "Idempotency-Key": key });
    expect(otherPath.json.error).toMatchObject({ type: "idempotency_error" });
  });

  it("runs concurrent requests with one key once", async () => {
    const key = `idem-concurrent-${Date.now()}`;
    const email = `concurrent-${Date.now()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        raw(emu, "POST", "/v1/customers", `email=${encodeURIComponent(email)}`, { "Idempotency-Key": key }),
      ),
    );
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect((await stripe.customers.list({ email })).data).toHaveLength(1);
  });

  it("stores card errors for replay", async () => {
    const key = `idem-card-${Date.now()}`;
    const c = await stripe.customers.create({});
    const first = await raw(emu, "POST", `/v1/payment_methods/pm_card_chargeDeclined/attach`, `customer=${c.id}`, {
      "Idempotency-Key": key,
    });
    const again = await raw(emu, "POST", `/v1/payment_methods/pm_card_chargeDeclined/attach`, `customer=${c.id}`, {
      "Idempotency-Key": key,
    });
    expect(first.status).toBe(402);
    expect(again.text).toBe(first.text);
  });

  it("lets the SDK's own retry keys work", async () => {
    const c = await stripe.customers.create({ email: "sdk@example.com" });
    expect(c.lastResponse.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(API_KEY.startsWith("sk_test_")).toBe(true);
  });
});
