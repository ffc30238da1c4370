import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { SYSTEM_STRIPE } from "@/lib/audit";
import {
  assertDeliverableUrl,
  createEndpoint,
  createEndpointSchema,
  drainWebhookDeliveries,
  GIVE_UP_AFTER_MS,
  isPrivateAddress,
  listDeliveries,
  PLATFORM_EVENT_TYPES,
  recordPlatformEvent,
  redeliver,
  retryDelayMs,
  sendTestEvent,
} from "@/lib/outbound-webhooks";
import { verifyWebhookSignature } from "@agentbill/client";
import { createTestDatabase } from "../support/db";
import { startReceiver, type Receiver } from "../support/webhook-receiver";

let database: Database;
let rx: Receiver;
beforeAll(async () => {
  database = await createTestDatabase();
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
  await database?.close();
});
beforeEach(async () => {
  rx.answer(200);
  rx.requests.length = 0;
  // Each test looks at its own endpoint only.
  await database.db.update(webhookEndpoints).set({ disabledAt: new Date() });
});

/** What a receiver does: @agentbill/client's check (true, or false for any WebhookSignatureError). */
function verifySignature(header: string, body: string, secret: string, opts: { now?: Date } = {}): boolean {
  try {
    verifyWebhookSignature(body, header, secret, { now: () => opts.now ?? new Date() });
    return true;
  } catch {
    return false;
  }
}

async function endpoint(events: string[] = ["*"]) {
  const input = createEndpointSchema.parse({ url: rx.url, events, reason: "connect the platform" });
  return createEndpoint(database.db, input, SYSTEM_STRIPE);
}

describe("outbound webhooks", () => {
  it("delivers every event type, signed with the secret as shown, with the event's id", async () => {
    const { endpoint: ep, secret } = await endpoint();
    expect(secret).toMatch(/^whsec_/);
    expect(ep.secretPrefix.startsWith(secret.slice(0, 10))).toBe(true);
    for (const type of PLATFORM_EVENT_TYPES)
      await recordPlatformEvent(database.db, { type, organizationId: null, data: { example: type } });
    const r = await drainWebhookDeliveries(database.db);
    expect(r.delivered).toBe(PLATFORM_EVENT_TYPES.length);
    expect(rx.requests.map((q) => JSON.parse(q.body).type).sort()).toEqual([...PLATFORM_EVENT_TYPES].sort());
    for (const q of rx.requests) {
      expect(verifySignature(q.headers["agentbill-signature"] as string, q.body, secret)).toBe(true);
      expect(verifySignature(q.headers["agentbill-signature"] as string, q.body, `${secret}x`)).toBe(false);
      expect(verifySignature(q.headers["agentbill-signature"] as string, `${q.body} `, secret)).toBe(false);
      expect(JSON.parse(q.body)).toMatchObject({ object: "event", id: expect.stringMatching(/^evt_/) });
    }
    // Delivered rows are not sent again.
    expect((await drainWebhookDeliveries(database.db)).delivered).toBe(0);
    expect(rx.requests).toHaveLength(PLATFORM_EVENT_TYPES.length);
    await database.db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ep.id));
  });

  it("retries a failure, then a timeout, then succeeds: same event id, first retry within a minute, then backoff", async () => {
    const { endpoint: ep, secret } = await endpoint(["invoice.paid"]);
    let clock = new Date("2030-01-01T00:00:00Z");
    const now = () => clock;
    const opts = { now, timeoutMs: 300 };
    await recordPlatformEvent(database.db, { type: "invoice.paid", organizationId: null, data: { invoice: "in_1" } });
    // Only this endpoint wants invoice.paid among fresh ones; older endpoints ("*") get it too: look at ours.
    rx.answer(503, "hang", 200);
    let r = await drainWebhookDeliveries(database.db, opts);
    const [d1] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ep.id));
    expect(d1).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503 });
    expect(d1!.nextAttemptAt.getTime() - clock.getTime()).toBeLessThanOrEqual(60_000);
    expect(r.failed).toBeGreaterThanOrEqual(1);

    // Not due yet.
    clock = new Date(clock.getTime() + 10_000);
    await drainWebhookDeliveries(database.db, opts);
    expect(
      (await database.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, d1!.id))).length,
    ).toBe(1);

    clock = new Date(d1!.nextAttemptAt.getTime());
    r = await drainWebhookDeliveries(database.db, opts);
    const [d2] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, d1!.id));
    expect(d2).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: null });
    expect(d2!.lastError).toMatch(/timed out/);
    expect(d2!.nextAttemptAt.getTime() - clock.getTime()).toBe(retryDelayMs(2));
    expect(retryDelayMs(2)).toBeGreaterThan(retryDelayMs(1));

    clock = new Date(d2!.nextAttemptAt.getTime());
    await drainWebhookDeliveries(database.db, opts);
    const [d3] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, d1!.id));
    expect(d3).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200 });
    const ours = rx.requests.filter((q) => JSON.parse(q.body).data.invoice === "in_1");
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ours.map((q) => JSON.parse(q.body).id)).size).toBe(1);
    // Each attempt is signed at its own time, and verifies at that time.
    const last = ours.at(-1)!;
    expect(verifySignature(last.headers["agentbill-signature"] as string, last.body, secret, { now: clock })).toBe(
      true,
    );
    const log = await listDeliveries(database.db, ep.id);
    expect(log[0]).toMatchObject({ type: "invoice.paid", status: "succeeded", attempts: 3 });
  });

  it("gives up 3 days after the first attempt, and an admin can redeliver it", async () => {
    const { endpoint: ep } = await endpoint(["organization.suspended"]);
    await recordPlatformEvent(database.db, { type: "organization.suspended", organizationId: null, data: { n: 1 } });
    rx.answer(500);
    const start = Date.now();
    let clock = new Date(start);
    let tries = 0;
    for (;;) {
      await drainWebhookDeliveries(database.db, { now: () => clock });
      const [d] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ep.id));
      tries++;
      if (d!.status !== "pending") {
        expect(d!.status).toBe("dead");
        expect(clock.getTime() - start).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
        break;
      }
      clock = d!.nextAttemptAt;
      if (tries > 40) throw new Error("never gave up");
    }
    expect(tries).toBeGreaterThan(6);
    rx.answer(200);
    const [dead] = await listDeliveries(database.db, ep.id);
    const outcome = await redeliver(database.db, ep.id, dead!.id, SYSTEM_STRIPE);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect((await listDeliveries(database.db, ep.id))[0]).toMatchObject({ status: "succeeded" });
  });

  it("test send: delivered now, its failure recorded with the code", async () => {
    const { endpoint: ep } = await endpoint(["limit.reached"]);
    expect(await sendTestEvent(database.db, ep.id, SYSTEM_STRIPE)).toMatchObject({ ok: true, statusCode: 200 });
    expect(JSON.parse(rx.requests.at(-1)!.body)).toMatchObject({ type: "endpoint.test", object: "event" });
    rx.answer(503);
    expect(await sendTestEvent(database.db, ep.id, SYSTEM_STRIPE)).toMatchObject({ ok: false, statusCode: 503 });
    const log = await listDeliveries(database.db, ep.id);
    expect(log.map((d) => d.lastStatusCode)).toEqual([503, 200]);
  });

  it("refuses private and loopback targets unless allowed, at registration and at delivery", async () => {
    for (const url of [
      "http://127.0.0.1:8080/x",
      "http://localhost/x",
      "http://10.1.2.3/x",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/x",
      "http://[::ffff:192.168.0.1]/x",
      "http://0.0.0.0/x",
    ])
      await expect(assertDeliverableUrl(url, { allowPrivate: false })).rejects.toThrow(/private or loopback/);
    await expect(assertDeliverableUrl("ftp://example.com/x", { allowPrivate: false })).rejects.toThrow(/http/);
    await expect(assertDeliverableUrl("not a url", { allowPrivate: false })).rejects.toThrow(/absolute URL/);
    expect(isPrivateAddress("93.184.216.34")).toBe(false);
    expect(isPrivateAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(false);
    await expect(assertDeliverableUrl(rx.url, { allowPrivate: true })).resolves.toBeInstanceOf(URL);

    const { endpoint: ep } = await endpoint(["subscription.created"]);
    await recordPlatformEvent(database.db, { type: "subscription.created", organizationId: null, data: {} });
    const before = rx.requests.length;
    await drainWebhookDeliveries(database.db, { allowPrivate: false });
    expect(rx.requests.length).toBe(before);
    const [d] = await listDeliveries(database.db, ep.id);
    expect(d!.lastError).toMatch(/private or loopback/);
  });

  it("rejects bad endpoint input with what to fix", () => {
    expect(createEndpointSchema.safeParse({ url: rx.url, events: ["nope"], reason: "x y z" }).success).toBe(false);
    expect(createEndpointSchema.safeParse({ url: rx.url, events: [], reason: "ok ok" }).success).toBe(false);
    expect(createEndpointSchema.safeParse({ url: rx.url, events: ["*"], reason: "ok ok", extra: 1 }).success).toBe(
      false,
    );
  });
});
