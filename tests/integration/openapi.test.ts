import Ajv2020 from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { DEMO_API_KEY, seedDemo } from "@/demo";
import { apiRoutes } from "@/lib/api";
import type { OpenApiDocument } from "@/lib/api";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { ensurePlans } from "./usage-fixtures";

/**
 * GET /api/v1/openapi.json: OpenAPI 3.1 generated from the routes' zod schemas. Every route is in
 * it, and real answers of the API validate against the schemas it publishes.
 */

let database: Database;
let doc: OpenApiDocument;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
  await seedDemo(database.db);
  (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(database);
  const res = await callApi(new Request("http://test.local/api/v1/openapi.json"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  doc = await res.json();
}, 180_000);
afterAll(async () => {
  (globalThis as unknown as { __appDatabase?: unknown }).__appDatabase = undefined;
  await database?.close();
});

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

function validator(schema: unknown) {
  return ajv.compile({ ...(schema as object), components: doc.components });
}

async function call(method: string, path: string, body?: unknown) {
  const res = await callApi(
    new Request(`http://test.local${path}`, {
      method,
      headers: { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  return { status: res.status, body: await res.json() };
}

function expectValid(path: string, method: "get" | "post", status: number, body: unknown) {
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} is documented`).toBeTruthy();
  const schema = op!.responses[String(status)]?.content?.["application/json"].schema;
  expect(schema, `${method} ${path} documents ${status}`).toBeTruthy();
  const validate = validator(schema);
  const ok = validate(body);
  expect(ok, JSON.stringify(validate.errors)).toBe(true);
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents every route of the platform API once", () => {
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.path}`).sort());
    const ids = documented.map((d) => d);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.schemas).toHaveProperty("Reservation");
    expect(doc.components.schemas).toHaveProperty("UsageEvent");
    expect(doc.paths["/api/v1/reservations"]!.post!.requestBody).toBeTruthy();
    // Path parameters are declared.
    expect(doc.paths["/api/v1/reservations/{id}/commit"]!.post!.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
    ]);
  });

  it("matches what the API answers", async () => {
    const check = await call("POST", "/api/v1/limits/check", { metric: "executions", amount: 5 });
    expectValid("/api/v1/limits/check", "post", 200, check.body);
    const r = await call("POST", "/api/v1/reservations", { metric: "executions", amount: 5, idempotency_key: "oa-1" });
    expectValid("/api/v1/reservations", "post", 200, r.body);
    const c = await call("POST", `/api/v1/reservations/${r.body.id}/commit`, { quantity: 2 });
    expectValid("/api/v1/reservations/{id}/commit", "post", 200, c.body);
    const usage = await call("GET", "/api/v1/usage");
    expectValid("/api/v1/usage", "get", 200, usage.body);
    const flags = await call("GET", "/api/v1/flags");
    expectValid("/api/v1/flags", "get", 200, flags.body);
    const ingest = await call("POST", "/api/v1/usage/events", {
      events: [{ idempotency_key: "oa-e1", metric: "executions", quantity: 1, occurred_at: new Date().toISOString() }],
    });
    expectValid("/api/v1/usage/events", "post", 200, ingest.body);
    const bad = await call("POST", "/api/v1/limits/check", { metric: "tokens" });
    expect(bad.status).toBe(400);
    expectValid("/api/v1/limits/check", "post", 400, bad.body);
  });

  it("documents request bodies the routes accept, and rejects what they reject", () => {
    const reserveBody = validator(
      doc.paths["/api/v1/reservations"]!.post!.requestBody!.content["application/json"].schema,
    );
    expect(reserveBody({ metric: "executions", amount: 3, idempotency_key: "k" })).toBe(true);
    expect(reserveBody({ metric: "executions", amount: 3, idempotency_key: "k", extra: true })).toBe(false);
    expect(reserveBody({ metric: "executions", amount: 0, idempotency_key: "k" })).toBe(false);
    const batch = validator(doc.paths["/api/v1/usage/events"]!.post!.requestBody!.content["application/json"].schema);
    expect(
      batch({
        events: [{ idempotency_key: "a", metric: "executions", quantity: 1, occurred_at: "2026-12-01T00:00:00Z" }],
      }),
    ).toBe(true);
    expect(batch({ events: [] })).toBe(false);
    // Strict all the way down, as the route is: an unknown field of an event or of the batch is refused.
    const e = { idempotency_key: "a", metric: "executions", quantity: 1, occurred_at: "2026-12-01T00:00:00Z" };
    expect(batch({ events: [{ ...e, occured_at: e.occurred_at }] })).toBe(false);
    expect(batch({ events: [e], dry_run: true })).toBe(false);
    expect(doc.components.schemas.UsageEvent).toMatchObject({ additionalProperties: false });
    expect(doc.components.schemas.UsageEventBatch).toMatchObject({ additionalProperties: false });
  });
});
