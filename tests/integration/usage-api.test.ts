import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { jobRuns, organizations, usageEvents } from "@/db/schema";
import { seedDemo } from "@/demo";
import { DEMO_API_KEY } from "@/demo";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { countRows, createOrg, ensurePlans } from "./usage-fixtures";

/**
 * The platform API through its Hono app (lib/api) and the cron route handler, with real Requests: the app's database
 * client is pointed at this test's database (db/client caches it on globalThis).
 */

let database: Database;
let routes: {
  cron: typeof import("@/app/api/cron/usage/route").POST;
};
let acmeId: string;
const ctx = { params: Promise.resolve({}) };
const base = "http://localhost/api";

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
  await seedDemo(database.db);
  (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(database);
  routes = {
    cron: (await import("@/app/api/cron/usage/route")).POST,
  };
  const [acme] = await database.db.select().from(organizations).where(eq(organizations.slug, "acme"));
  acmeId = acme!.id;
}, 180_000);
afterAll(async () => {
  (globalThis as unknown as { __appDatabase?: unknown }).__appDatabase = undefined;
  await database?.close();
});

const post = (path: string, key: string | null, body: unknown) =>
  new Request(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (path: string, key: string) =>
  new Request(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
const event = (key: string, quantity = 1) => ({
  idempotency_key: key,
  metric: "executions",
  quantity,
  occurred_at: new Date().toISOString(),
});

describe("POST /api/v1/usage/events", () => {
  it("ingests a batch with the demo key and answers accepted and duplicates", async () => {
    const body = { events: [event("api-1", 3), event("api-2", 4)] };
    const res = await callApi(post("/v1/usage/events", DEMO_API_KEY, body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
    const again = await callApi(post("/v1/usage/events", DEMO_API_KEY, body));
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 2 });
  });

  it("answers 400 for malformed JSON and for a bad event, writing nothing", async () => {
    const before = await countRows(database.db, "usage_events", acmeId);
    const malformed = await callApi(post("/v1/usage/events", DEMO_API_KEY, "{ nope"));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.message).toMatch(/not valid JSON/);
    const bad = await callApi(
      post("/v1/usage/events", DEMO_API_KEY, { events: [event("fine"), { ...event("neg"), quantity: -1 }] }),
    );
    expect(bad.status).toBe(400);
    const json = await bad.json();
    expect(json.error.code).toBe("bad_request");
    expect(json.error.issues).toEqual([
      { index: 1, idempotency_key: "neg", message: "quantity must not be negative (got -1)." },
    ]);
    expect(await countRows(database.db, "usage_events", acmeId)).toBe(before);
  });

  it("refuses unknown fields in an event and in the batch, naming each path, writing nothing", async () => {
    const org = await createOrg(database.db);
    const send = async (body: unknown) => {
      const res = await callApi(post("/v1/usage/events", org.key, body));
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe("bad_request");
      return json.error as { message: string; issues: { index?: number; path?: string; message: string }[] };
    };
    const { occurred_at, ...noTime } = event("typo");
    // A typo'd field name in a batch: one message per bad event, the unknown field named by its path.
    const typo = await send({
      events: [event("ok-0"), event("ok-1"), event("ok-2"), { ...noTime, occured_at: occurred_at }],
    });
    expect(typo.issues).toEqual([{ index: 3, idempotency_key: "typo", message: expect.any(String) }]);
    expect(typo.issues[0]!.message).toMatch(
      /^events\[3\]\.occured_at: is not a field here \(check its spelling\)\. occurred_at must be an ISO 8601/,
    );
    expect(typo.message).toContain("1 of 4 events are invalid");
    expect(typo.message).toContain("events[3].occured_at: is not a field here (check its spelling).");
    // An extra field beside complete ones, and several in one event.
    const extra = await send({
      events: [
        { ...event("x1"), customer: "c-1" },
        { ...event("x2"), a: 1, b: 2 },
      ],
    });
    expect(extra.issues).toEqual([
      { index: 0, idempotency_key: "x1", message: "events[0].customer: is not a field here (check its spelling)." },
      {
        index: 1,
        idempotency_key: "x2",
        message:
          "events[1].a: is not a field here (check its spelling). events[1].b: is not a field here (check its spelling).",
      },
    ]);
    // A single event (the group-commit path) is refused the same way.
    const single = await send({ events: [{ ...event("solo"), idempotencyKey: "solo" }] });
    expect(single.issues).toEqual([
      {
        index: 0,
        idempotency_key: "solo",
        message: "events[0].idempotencyKey: is not a field here (check its spelling).",
      },
    ]);
    // An unknown field of the batch itself, like every other JSON body of the API.
    const top = await send({ events: [event("t-1")], dry_run: true });
    expect(top.message).toBe("Invalid request body: dry_run: is not a field here (check its spelling).");
    expect(top.issues).toEqual([{ path: "dry_run", message: "is not a field here (check its spelling)." }]);
    expect(await countRows(database.db, "usage_events", org.id)).toBe(0);
    expect(await countRows(database.db, "usage_counters", org.id)).toBe(0);
    // The same events without the stray fields are accepted.
    const fine = await callApi(post("/v1/usage/events", org.key, { events: [event("x1"), event("solo")] }));
    expect(await fine.json()).toEqual({ accepted: 2, duplicates: 0 });
  });

  it("answers 409 idempotency_conflict naming a key reused with other content, writing nothing", async () => {
    const first = event("reused-key", 2);
    expect((await callApi(post("/v1/usage/events", DEMO_API_KEY, { events: [first] }))).status).toBe(200);
    const before = await countRows(database.db, "usage_events", acmeId);
    const res = await callApi(
      post("/v1/usage/events", DEMO_API_KEY, { events: [event("brand-new"), { ...first, quantity: 3 }] }),
    );
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe("idempotency_conflict");
    expect(body.error.message).toContain('"reused-key"');
    expect(body.error.idempotency_keys).toEqual(["reused-key"]);
    expect(await countRows(database.db, "usage_events", acmeId)).toBe(before);
    // The exact same event again is a duplicate, not a conflict.
    const replay = await callApi(post("/v1/usage/events", DEMO_API_KEY, { events: [first] }));
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 1 });
  });

  it("refuses missing, unknown and revoked keys with 401", async () => {
    expect((await callApi(post("/v1/usage/events", null, { events: [event("x")] }))).status).toBe(401);
    expect(
      (await callApi(post("/v1/usage/events", "agb_not_a_real_key_0000000000", { events: [event("x")] }))).status,
    ).toBe(401);
    const org = await createOrg(database.db);
    expect((await callApi(post("/v1/usage/events", org.key, { events: [event("before-revoke")] }))).status).toBe(200);
    await revokeApiKey(database.db, {
      organizationId: org.id,
      apiKeyId: org.apiKeyId,
      actor: { kind: "system", label: "test" },
    });
    const res = await callApi(post("/v1/usage/events", org.key, { events: [event("after-revoke")] }));
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toMatch(/revoked/);
    expect(await countRows(database.db, "usage_events", org.id)).toBe(1);
  });

  it("answers 403 for a suspended organization", async () => {
    const org = await createOrg(database.db);
    await database.db
      .update(organizations)
      .set({ status: "suspended", suspendedReason: "unpaid invoices" })
      .where(eq(organizations.id, org.id));
    const res = await callApi(post("/v1/usage/events", org.key, { events: [event("s")] }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/suspended: unpaid invoices/);
  });
});

describe("keys never reach another organization", () => {
  it("reads and writes only the key's own organization", async () => {
    const other = await createOrg(database.db);
    await callApi(post("/v1/usage/events", other.key, { events: [event("mine", 7)] }));
    const res = await callApi(get("/v1/usage", other.key));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.organization.slug).toBe(other.slug);
    expect(body.metrics.find((m: { metric: string }) => m.metric === "executions").used).toBe(7);
    const acme = await (await callApi(get("/v1/usage", DEMO_API_KEY))).json();
    expect(acme.organization.slug).toBe("acme");
    expect(acme.metrics.find((m: { metric: string }) => m.metric === "executions").used).toBeGreaterThan(7);
    const theirs = await database.db.select().from(usageEvents).where(eq(usageEvents.idempotencyKey, "mine"));
    expect(theirs.map((e) => e.organizationId)).toEqual([other.id]);
  });
});

describe("GET /api/v1/usage", () => {
  it("answers usage against limits and a daily series for a range", async () => {
    const res = await callApi(get("/v1/usage?from=2026-11-01&to=2026-11-10", DEMO_API_KEY));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.plan).toEqual({ id: "pro", name: "Pro" });
    expect(body.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      "users",
      "agents",
      "executions",
      "storage_bytes",
      "gateways",
    ]);
    expect(body.metrics.find((m: { metric: string }) => m.metric === "executions").limit).toBe(100_000);
    expect(body.daily.points).toHaveLength(10);
    expect(body.daily.points[0].day).toBe("2026-11-01");
    expect(
      body.daily.points.every((p: { executions: number; agents: number }) => p.executions > 0 && p.agents > 0),
    ).toBe(true);
  });

  it("refuses a bad range with 400", async () => {
    expect((await callApi(get("/v1/usage?from=yesterday", DEMO_API_KEY))).status).toBe(400);
    expect((await callApi(get("/v1/usage?from=2026-11-10&to=2026-11-01", DEMO_API_KEY))).status).toBe(400);
  });
});

describe("POST /api/v1/limits/check", () => {
  it("answers allowed, limit, used, remaining and the reason", async () => {
    const res = await callApi(post("/v1/limits/check", DEMO_API_KEY, { metric: "gateways", amount: 1 }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ metric: "gateways", allowed: true, limit: 10 });
    expect(body.remaining).toBe(10 - body.used);
    expect(typeof body.reason).toBe("string");
    expect((await callApi(post("/v1/limits/check", DEMO_API_KEY, { metric: "tokens", amount: 1 }))).status).toBe(400);
    expect((await callApi(post("/v1/limits/check", DEMO_API_KEY, { metric: "agents", amount: -1 }))).status).toBe(400);
  });
});

describe("POST /api/cron/usage", () => {
  it("needs the cron secret", async () => {
    const res = await routes.cron(
      new Request(`${base}/cron/usage`, { method: "POST", headers: { authorization: "Bearer wrong-secret" } }),
      ctx,
    );
    expect(res.status).toBe(401);
  });

  it("reconciles the demo data with zero drift, records the run, and raises each alert once", async () => {
    const call = () =>
      routes.cron(
        new Request(`${base}/cron/usage?days=35`, {
          method: "POST",
          headers: { authorization: `Bearer ${env().cronSecret}` },
        }),
        ctx,
      );
    const res = await call();
    expect(res.status).toBe(200);
    const first = await res.json();
    expect(first.counters).toMatchObject({ repaired: 0, drift: 0 });
    expect(first.daily).toMatchObject({ upserted: 0, deleted: 0, drift: 0 });
    expect(first.alertsRaised).toBeGreaterThan(0); // Globex is at its user limit and near its executions limit
    const [run] = await database.db.select().from(jobRuns).where(eq(jobRuns.id, first.runId));
    expect(run).toMatchObject({ job: "usage.reconcile", status: "succeeded" });
    const second = await (await call()).json();
    expect(second).toMatchObject({
      counters: { repaired: 0, created: 0 },
      daily: { upserted: 0 },
      alertsRaised: 0,
      periodsClosed: [],
    });
  });
});
