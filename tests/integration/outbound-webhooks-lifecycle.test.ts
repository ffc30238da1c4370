import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { verifyWebhookSignature, WebhookSignatureError } from "@agentbill/client";
import * as endpointRoute from "@/app/api/admin/webhook-endpoints/[id]/route";
import * as rollRoute from "@/app/api/admin/webhook-endpoints/[id]/roll-secret/route";
import * as listRoute from "@/app/api/admin/webhook-endpoints/route";
import type { Database } from "@/db/connect";
import { auditLog, users, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { drainWebhookDeliveries, recordPlatformEvent, sendTestEvent } from "@/lib/outbound-webhooks";
import { appRequest, type CookieJar, signInThroughAuthJs } from "../support/auth-http";
import { createTestDatabase } from "../support/db";
import { dbFingerprint } from "../support/db-fingerprint";
import { startReceiver, type Receiver } from "../support/webhook-receiver";
import { expectOneAuditRow, useAsAppDatabase } from "./admin-helpers";

/**
 * An endpoint's lifecycle through the admin JSON API, with a receiver on loopback that checks
 * every delivery with @agentbill/client: rolling the secret (both signatures during the grace
 * period, only the new one after), disabling (nothing sent, pending retries canceled), deleting
 * (pending retries canceled, the log kept), double submissions, bad input and non-admins.
 */

let database: Database;
let rx: Receiver;
let staff: CookieJar;
let staffId: string;
let customer: CookieJar;
const PASSWORD = "lifecycle test password";
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
  useAsAppDatabase(database);
  rx = await startReceiver();
  const hash = await hashPassword(PASSWORD);
  const [s] = await database.db
    .insert(users)
    .values({ email: "staff@lifecycle.test", name: "Staff", passwordHash: hash, isPlatformAdmin: true })
    .returning();
  staffId = s!.id;
  await database.db.insert(users).values({ email: "user@lifecycle.test", name: "User", passwordHash: hash });
  staff = (await signInThroughAuthJs("staff@lifecycle.test", PASSWORD)).jar;
  customer = (await signInThroughAuthJs("user@lifecycle.test", PASSWORD)).jar;
}, 120_000);
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

type Json = Record<string, unknown> & { error?: { message?: string } };
async function call(
  handler: unknown,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; jar?: CookieJar | null; id?: string } = {},
): Promise<{ status: number; json: Json }> {
  const jar = opts.jar === undefined ? staff : opts.jar;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const req = appRequest(path, jar, {
    method,
    headers: method === "GET" ? {} : { origin: "http://agentbill.test", "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });
  const res = await (handler as (r: Request, c: unknown) => Promise<Response>)(req, {
    params: Promise.resolve(opts.id ? { id: opts.id } : {}),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function createEndpoint(): Promise<{ id: string; secret: string }> {
  const r = await call(listRoute.POST, "POST", "/api/admin/webhook-endpoints", {
    body: { url: rx.url, events: ["*"], reason: "connect the platform" },
  });
  expect(r.status).toBe(201);
  return { id: (r.json.endpoint as { id: string }).id, secret: r.json.secret as string };
}

const roll = (id: string, body: unknown, jar?: CookieJar | null) =>
  call(rollRoute.POST, "POST", `/api/admin/webhook-endpoints/${id}/roll-secret`, { id, body, jar });
const patch = (id: string, body: unknown, jar?: CookieJar | null) =>
  call(endpointRoute.PATCH, "PATCH", `/api/admin/webhook-endpoints/${id}`, { id, body, jar });
const del = (id: string, body: unknown, jar?: CookieJar | null) =>
  call(endpointRoute.DELETE, "DELETE", `/api/admin/webhook-endpoints/${id}`, { id, body, jar });
const get = (id: string) => call(endpointRoute.GET, "GET", `/api/admin/webhook-endpoints/${id}`, { id });

/** Which of these secrets the receiver's check accepts for a request, at `now`. */
function verifiesWith(req: Receiver["requests"][number], secrets: string[], now: Date): boolean[] {
  return secrets.map((secret) => {
    try {
      verifyWebhookSignature(req.body, req.headers["agentbill-signature"], secret, { now: () => now });
      return true;
    } catch (err) {
      expect(err).toBeInstanceOf(WebhookSignatureError);
      expect((err as WebhookSignatureError).reason).toBe("signature_mismatch");
      return false;
    }
  });
}

async function deliver(now: Date) {
  return drainWebhookDeliveries(database.db, { now: () => now });
}

async function deliveriesOf(endpointId: string) {
  return database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
}

describe("rolling an endpoint's signing secret", () => {
  it("signs with the new and the old secret during the grace period, then only the new", async () => {
    const { id, secret: old } = await createEndpoint();
    const t0 = new Date();
    const { row, result } = await expectOneAuditRow(
      database.db,
      { targetId: id },
      "webhook_endpoint.secret_rolled",
      { id: staffId },
      () => roll(id, { reason: "rotate the secret", graceSeconds: 86_400 }),
    );
    expect(result.status).toBe(200);
    const secret = result.json.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    expect(result.json.replayed).toBe(false);
    const expires = new Date(result.json.previousSecretExpiresAt as string);
    expect(Math.abs(expires.getTime() - t0.getTime() - 24 * HOUR)).toBeLessThan(60_000);
    expect(row.details).toMatchObject({ reason: "rotate the secret", graceSeconds: 86_400 });
    // The new secret is never in the audit log or the endpoint's JSON.
    expect(JSON.stringify(row.details)).not.toContain(secret);
    expect(JSON.stringify((await get(id)).json)).not.toContain(secret);
    expect((await get(id)).json.endpoint).toMatchObject({
      secretPrefix: `${secret.slice(0, 12)}…`,
      previousSecretPrefix: `${old.slice(0, 12)}…`,
    });

    // During the grace period: two v1 entries; either secret verifies.
    await recordPlatformEvent(database.db, { type: "invoice.paid", organizationId: null, data: { n: 1 } });
    const during = new Date(t0.getTime() + HOUR);
    expect((await deliver(during)).delivered).toBe(1);
    const first = rx.requests.at(-1)!;
    expect(String(first.headers["agentbill-signature"]).match(/v1=/g)).toHaveLength(2);
    expect(verifiesWith(first, [secret, old, "whsec_other"], during)).toEqual([true, true, false]);

    // After it: only the new secret.
    await recordPlatformEvent(database.db, { type: "invoice.paid", organizationId: null, data: { n: 2 } });
    const after = new Date(expires.getTime() + 1000);
    expect((await deliver(after)).delivered).toBe(1);
    const second = rx.requests.at(-1)!;
    expect(JSON.parse(second.body).data).toMatchObject({ n: 2 });
    expect(String(second.headers["agentbill-signature"]).match(/v1=/g)).toHaveLength(1);
    expect(verifiesWith(second, [secret, old], after)).toEqual([true, false]);
  });

  it("a roll with no grace period stops the old secret at once; the default grace is 24 h", async () => {
    const { id, secret: old } = await createEndpoint();
    const r = await roll(id, { reason: "the old secret leaked", graceSeconds: 0 });
    expect(r.status).toBe(200);
    expect(r.json.previousSecretExpiresAt).toBeNull();
    await recordPlatformEvent(database.db, { type: "limit.reached", organizationId: null, data: {} });
    const now = new Date();
    await deliver(now);
    expect(verifiesWith(rx.requests.at(-1)!, [r.json.secret as string, old], now)).toEqual([true, false]);

    const d = await roll(id, { reason: "routine rotation" });
    const expires = new Date(d.json.previousSecretExpiresAt as string).getTime();
    expect(Math.abs(expires - Date.now() - 24 * HOUR)).toBeLessThan(60_000);
  });

  it("the same roll submitted twice makes one new secret; two different rolls stay consistent", async () => {
    const { id, secret: original } = await createEndpoint();
    const body = { reason: "rotate once", idempotencyKey: "roll-key-0001" };
    const before = await database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    const [a, b] = await Promise.all([roll(id, body), roll(id, body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.secret).toBe(b.json.secret);
    expect([a.json.replayed, b.json.replayed].sort()).toEqual([false, true]);
    const after = await database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(after.filter((r) => r.action === "webhook_endpoint.secret_rolled")).toHaveLength(
      before.filter((r) => r.action === "webhook_endpoint.secret_rolled").length + 1,
    );
    await recordPlatformEvent(database.db, { type: "limit.reached", organizationId: null, data: {} });
    const now = new Date();
    await deliver(now);
    // The original secret keeps working during the grace period: it was not pushed out by a second roll.
    expect(verifiesWith(rx.requests.at(-1)!, [a.json.secret as string, original], now)).toEqual([true, true]);

    // Two different rolls at once: serialised; the later one's secret is current, the earlier one's is the previous.
    const [c, d] = await Promise.all([roll(id, { reason: "roll c" }), roll(id, { reason: "roll d" })]);
    const secrets = [c.json.secret as string, d.json.secret as string];
    await recordPlatformEvent(database.db, { type: "limit.reached", organizationId: null, data: {} });
    await deliver(now);
    const ok = verifiesWith(rx.requests.at(-1)!, [...secrets, a.json.secret as string], now);
    expect(ok.slice(0, 2)).toEqual([true, true]);
    expect(ok[2]).toBe(false);

    // A replay long after is refused rather than showing the secret again.
    await database.db
      .update(webhookEndpoints)
      .set({ rollKey: "roll-key-0002", secretRolledAt: new Date(Date.now() - HOUR) })
      .where(eq(webhookEndpoints.id, id));
    const late = await roll(id, { reason: "rotate once", idempotencyKey: "roll-key-0002" });
    expect(late.status).toBe(409);
    expect(late.json.error?.message).toMatch(/already made/);
  });
});

describe("disabling and deleting an endpoint", () => {
  it("a disabled endpoint gets nothing: its pending retries are canceled; enabled again, new events flow", async () => {
    const { id } = await createEndpoint();
    rx.answer(503);
    await recordPlatformEvent(database.db, { type: "invoice.payment_failed", organizationId: null, data: { n: 1 } });
    const t0 = new Date();
    await deliver(t0);
    expect(await deliveriesOf(id)).toMatchObject([{ status: "pending", attempts: 1 }]);
    rx.answer(200);

    const { result } = await expectOneAuditRow(
      database.db,
      { targetId: id },
      "webhook_endpoint.disabled",
      { id: staffId },
      () => patch(id, { enabled: false, reason: "platform maintenance" }),
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ canceledDeliveries: 1, endpoint: { status: "disabled", enabled: false } });
    expect(await deliveriesOf(id)).toMatchObject([
      { status: "canceled", canceledReason: expect.stringMatching(/disabled/) },
    ]);

    const sent = rx.requests.length;
    await recordPlatformEvent(database.db, { type: "invoice.payment_failed", organizationId: null, data: { n: 2 } });
    await deliver(new Date(t0.getTime() + 4 * 86_400_000));
    expect(rx.requests.length).toBe(sent);
    await expect(sendTestEvent(database.db, id, { kind: "system", label: "test" })).rejects.toThrow(/disabled/);

    const en = await patch(id, { enabled: true, reason: "maintenance over" });
    expect(en.json).toMatchObject({ endpoint: { status: "enabled" } });
    await recordPlatformEvent(database.db, { type: "invoice.payment_failed", organizationId: null, data: { n: 3 } });
    await deliver(new Date());
    expect(rx.requests.slice(sent).map((q) => JSON.parse(q.body).data.n)).toEqual([3]);
    // The canceled one stays canceled (redeliver it by hand); the log shows both.
    const log = (await get(id)).json.deliveries as { status: string }[];
    expect(log.map((d) => d.status).sort()).toEqual(["canceled", "succeeded"]);
  });

  it("deleting during pending retries cancels them, erases the secrets and keeps the log readable", async () => {
    const { id } = await createEndpoint();
    await roll(id, { reason: "rotate", graceSeconds: 3600 });
    rx.answer(500);
    await recordPlatformEvent(database.db, { type: "subscription.updated", organizationId: null, data: {} });
    const t0 = new Date();
    await deliver(t0);
    expect(await deliveriesOf(id)).toMatchObject([{ status: "pending", attempts: 1 }]);

    const { result } = await expectOneAuditRow(
      database.db,
      { targetId: id },
      "webhook_endpoint.deleted",
      { id: staffId },
      () => del(id, { reason: "the platform moved" }),
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ canceledDeliveries: 1, endpoint: { status: "deleted" } });
    const [stored] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(stored).toMatchObject({ secretCiphertext: "", previousSecretCiphertext: null });
    expect(stored!.deletedAt).not.toBeNull();

    rx.answer(200);
    const sent = rx.requests.length;
    await recordPlatformEvent(database.db, { type: "subscription.updated", organizationId: null, data: {} });
    await deliver(new Date(t0.getTime() + 4 * 86_400_000));
    expect(rx.requests.length).toBe(sent);

    const shown = await get(id);
    expect(shown.status).toBe(200);
    expect(shown.json.endpoint).toMatchObject({ status: "deleted" });
    expect(shown.json.deliveries).toMatchObject([
      { status: "canceled", canceledReason: expect.stringMatching(/deleted/), attempts: 1 },
    ]);
    const listed = (await call(listRoute.GET, "GET", "/api/admin/webhook-endpoints")).json.endpoints as {
      id: string;
      status: string;
    }[];
    expect(listed.find((e) => e.id === id)?.status).toBe("deleted");

    // Nothing more can be done with it; each refusal says why.
    for (const r of [
      await del(id, { reason: "again" }),
      await patch(id, { enabled: true, reason: "bring it back" }),
      await roll(id, { reason: "roll it" }),
    ]) {
      expect(r.status).toBe(409);
      expect(r.json.error?.message).toMatch(/deleted/);
    }
  });
});

describe("who may, and what is refused", () => {
  it("bad input: 4xx with a message, nothing written", async () => {
    const { id } = await createEndpoint();
    const before = await dbFingerprint(database.db);
    const cases: [Promise<{ status: number; json: Json }>, number, RegExp][] = [
      [roll(id, { reason: "x" }), 400, /at least 3/],
      [roll(id, { graceSeconds: 60 }), 400, /Say why/],
      [roll(id, { reason: "rotate", graceSeconds: -1 }), 400, /negative/],
      [roll(id, { reason: "rotate", graceSeconds: "24h" }), 400, /number/],
      [roll(id, { reason: "rotate", graceSeconds: 8 * 86_400 }), 400, /7 days/],
      [roll(id, { reason: "rotate", graceSeconds: 1.5 }), 400, /whole/],
      [roll(id, { reason: "rotate", idempotencyKey: "short" }), 400, /idempotencyKey/],
      [roll(id, { reason: "rotate", secret: "whsec_mine" }), 400, /secret/],
      [patch(id, { enabled: "false", reason: "pause it" }), 400, /true or false/],
      [patch(id, { reason: "pause it" }), 400, /true or false/],
      [del(id, {}), 400, /Say why/],
      [
        call(endpointRoute.DELETE, "DELETE", `/api/admin/webhook-endpoints/${id}`, { id, raw: "{not json" }),
        400,
        /JSON/,
      ],
      [roll("not-a-uuid", { reason: "rotate" }), 404, /webhook endpoint/],
      [patch("00000000-0000-4000-8000-000000000000", { enabled: false, reason: "pause it" }), 404, /endpoint/],
      [del("00000000-0000-4000-8000-000000000000", { reason: "remove it" }), 404, /endpoint/],
    ];
    for (const [pending, status, message] of cases) {
      const r = await pending;
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.json.error?.message).toMatch(message);
    }
    expect(await dbFingerprint(database.db)).toEqual(before);
  });

  it("non-admins get 403 and the signed-out 401, for every lifecycle call; nothing written", async () => {
    const { id } = await createEndpoint();
    const before = await dbFingerprint(database.db);
    for (const [jar, status] of [
      [customer, 403],
      [null, 401],
    ] as const) {
      for (const r of [
        await roll(id, { reason: "rotate it" }, jar),
        await patch(id, { enabled: false, reason: "pause it" }, jar),
        await del(id, { reason: "remove it" }, jar),
        await call(endpointRoute.GET, "GET", `/api/admin/webhook-endpoints/${id}`, { id, jar }),
      ]) {
        expect(r.status).toBe(status);
        expect(r.json.error?.message?.length).toBeGreaterThan(10);
      }
    }
    expect(await dbFingerprint(database.db)).toEqual(before);
  });
});
