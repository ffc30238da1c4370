import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_SECRET, WebhookSink, raw, sdkFor, startTestEmulator, Stripe } from "./helpers";

const sink = new WebhookSink();
beforeAll(() => sink.start());
afterAll(() => sink.stop());

describe("webhook deliveries", () => {
  it("are signed so that stripe.webhooks.constructEvent accepts them", async () => {
    const { emu, stripe } = await startTestEmulator({ webhookUrl: sink.url });
    try {
      const start = sink.deliveries.length;
      const customer = await stripe.customers.create({ email: "hook@example.com", payment_method: "pm_card_visa" });
      await emu.idle();
      const mine = sink.deliveries.slice(start);
      expect(mine.map((d) => d.event.type)).toEqual(["customer.created", "payment_method.attached"]);
      for (const d of mine) {
        const header = String(d.headers["stripe-signature"]);
        expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        const t = Number(/t=(\d+)/.exec(header)?.[1]);
        expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
        const event = stripe.webhooks.constructEvent(d.body, header, WEBHOOK_SECRET);
        expect(event.id).toBe(d.event.id);
        expect(() => stripe.webhooks.constructEvent(d.body, header, "whsec_wrong")).toThrow(
          Stripe.errors.StripeSignatureVerificationError,
        );
      }
      const created = mine[0]!.event;
      expect(created).toMatchObject({
        object: "event",
        livemode: false,
        pending_webhooks: 1,
        api_version: Stripe.API_VERSION,
      });
      expect((created.data.object as Stripe.Customer).id).toBe(customer.id);
      expect(created.request?.id).toBe(customer.lastResponse.requestId);
      expect(created.request?.idempotency_key).toBe(customer.lastResponse.idempotencyKey);
    } finally {
      await emu.stop();
    }
  });

  it("are retried after a 500, without blocking later events", async () => {
    const { emu, stripe } = await startTestEmulator({ webhookUrl: sink.url, retryDelaysMs: [50, 50] });
    try {
      const start = sink.deliveries.length;
      let failedOnce = false;
      sink.respond = (d) => {
        if (d.event.type === "customer.created" && !failedOnce) {
          failedOnce = true;
          return 500;
        }
        return 200;
      };
      const customer = await stripe.customers.create({ email: "retry@example.com" });
      await stripe.customers.update(customer.id, { name: "Retry" });
      await emu.idle();
      const types = sink.deliveries.slice(start).map((d) => d.event.type);
      expect(types).toEqual(["customer.created", "customer.updated", "customer.created"]);
      const ids = sink.deliveries.slice(start).map((d) => d.event.id);
      expect(ids[0]).toBe(ids[2]);
      const stored = await stripe.events.retrieve(ids[0]!);
      expect(stored.pending_webhooks).toBe(0);
    } finally {
      sink.respond = () => 200;
      await emu.stop();
    }
  });

  it("give up after the last retry when the endpoint is down", async () => {
    const logs: string[] = [];
    const { emu, stripe } = await startTestEmulator({
      webhookUrl: "http://127.0.0.1:9/down",
      retryDelaysMs: [10, 10],
      log: (m) => logs.push(m),
    });
    try {
      await stripe.customers.create({});
      await emu.idle();
      expect(logs.some((l) => l.includes("giving up after 3 attempts"))).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  it("are only sent once a webhook URL is set", async () => {
    const { emu, stripe } = await startTestEmulator();
    try {
      const start = sink.deliveries.length;
      await stripe.customers.create({ email: "before@example.com" });
      emu.setWebhookUrl(sink.url);
      await stripe.customers.create({ email: "after@example.com" });
      await emu.idle();
      const delivered = sink.deliveries.slice(start).map((d) => (d.event.data.object as Stripe.Customer).email);
      expect(delivered).toEqual(["after@example.com"]);
      const all = await stripe.events.list({ type: "customer.created" });
      expect(all.data.map((e) => [(e.data.object as Stripe.Customer).email, e.pending_webhooks])).toEqual([
        ["after@example.com", 0],
        ["before@example.com", 0],
      ]);
    } finally {
      await emu.stop();
    }
  });
});

describe("events API", () => {
  it("lists newest first with type and created filters, and retrieves by id", async () => {
    const { emu, stripe } = await startTestEmulator();
    try {
      const before = Math.floor(Date.now() / 1000);
      const c = await stripe.customers.create({ email: "events@example.com" });
      await stripe.customers.update(c.id, { name: "E" });
      await stripe.products.create({ name: "P" });
      const all = await stripe.events.list();
      expect(all.data.map((e) => e.type)).toEqual(["product.created", "customer.updated", "customer.created"]);
      const updated = all.data[1]!;
      expect(updated.data.previous_attributes).toEqual({ name: null });
      expect((await stripe.events.list({ type: "customer.*" })).data).toHaveLength(2);
      expect((await stripe.events.list({ types: ["product.created", "customer.created"] })).data).toHaveLength(2);
      expect((await stripe.events.list({ created: { gte: before } })).data).toHaveLength(3);
      expect((await stripe.events.list({ created: { lt: before - 10 } })).data).toHaveLength(0);
      expect((await stripe.events.retrieve(updated.id)).type).toBe("customer.updated");
      await expect(stripe.events.retrieve("evt_nope")).rejects.toMatchObject({ statusCode: 404 });
      const res = await raw(emu, "GET", "/v1/events?limit=1");
      expect(res.json).toMatchObject({ object: "list", has_more: true, url: "/v1/events" });
      expect(sdkFor(emu)).toBeInstanceOf(Stripe);
    } finally {
      await emu.stop();
    }
  });
});
