import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { featureFlags, organizations, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/env";
import { suspensionMessage } from "@/lib/errors";
// Auth.js before lib/api: the other way round, vitest hands @auth/core pdf-lib's old tslib (privateMap.get is not a function).
import { appRequest, CookieJar, ORIGIN, signInThroughAuthJs } from "../support/auth-http";
import { apiRoutes, buildOpenApiDocument } from "@/lib/api";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { dbFingerprint } from "../support/db-fingerprint";
import { discoverRoutes } from "../support/routes";
import { useAsAppDatabase } from "./admin-helpers";
import { createOrg, ensurePlans, type TestOrg } from "./usage-fixtures";

/**
 * The platform API's edges (issue #15/#14 leftovers): a wrong method is 405 with Allow, a
 * suspended organization reads the one suspension sentence, nested objects in JSON bodies are
 * strict, and every path parameter has a schema (admin routes and the Hono routes, in OpenAPI).
 */

let database: Database;
let db: Db;
let org: TestOrg;
let staff: CookieJar;
const PASSWORD = "api edges test password";

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  useAsAppDatabase(database);
  await ensurePlans(db);
  org = await createOrg(db, { plan: "pro" });
  await db.insert(users).values({
    email: "staff@edges.test",
    name: "Staff",
    passwordHash: await hashPassword(PASSWORD),
    isPlatformAdmin: true,
  });
  await db.insert(featureFlags).values({ key: "edge-flag", description: "A flag", rolloutPercent: 10 });
  const signIn = await signInThroughAuthJs("staff@edges.test", PASSWORD);
  expect(signIn.signedIn).toBe(true);
  staff = signIn.jar;
}, 120_000);
afterAll(async () => {
  await database?.close();
});

const api = (method: string, path: string, body?: unknown) =>
  callApi(
    new Request(`http://test.local${path}`, {
      method,
      headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

describe("a wrong method on an existing platform API path", () => {
  const RESERVATION = "7d1c5e38-2f7e-4a3b-9a55-3d1f0c8e9b21";
  const paths = [...new Set(apiRoutes.map((r) => r.path))];

  it("answers 405 with Allow and the usual error body, on every path", async () => {
    const before = await dbFingerprint(db);
    for (const path of paths) {
      const allowed = apiRoutes.filter((r) => r.path === path).map((r) => r.method.toUpperCase());
      const url = path.replace("{id}", RESERVATION);
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !allowed.includes(m))) {
        const res = await api(method, url, method === "GET" || method === "DELETE" ? undefined : { amount: 1 });
        expect(res.status, `${method} ${path}`).toBe(405);
        const allow = (res.headers.get("allow") ?? "").split(/,\s*/);
        for (const m of allowed) expect(allow, `${method} ${path}`).toContain(m);
        expect(allow).not.toContain(method);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("method_not_allowed");
        expect(body.error.message).toContain(method);
        expect(res.headers.get("content-type")).toMatch(/application\/json/);
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      }
    }
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("an unknown path is still 404, and the right method still works", async () => {
    expect((await api("GET", "/api/v1/nothing-here")).status).toBe(404);
    expect((await api("POST", "/api/v1/limits/check", { metric: "executions", amount: 1 })).status).toBe(200);
    expect((await api("GET", "/api/v1/flags")).status).toBe(200);
    expect((await api("HEAD", "/api/v1/flags")).status).toBe(200);
  });
});

describe("a suspended organization's API key", () => {
  it("reads the same sentence as the organization's pages (lib/errors suspensionMessage)", async () => {
    const suspended = await createOrg(db, { plan: "pro" });
    await db
      .update(organizations)
      .set({ status: "suspended", suspendedReason: "Chargeback under review" })
      .where(eq(organizations.id, suspended.id));
    const [row] = await db.select().from(organizations).where(eq(organizations.id, suspended.id));
    const res = await callApi(
      new Request("http://test.local/api/v1/flags", { headers: { authorization: `Bearer ${suspended.key}` } }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        code: "suspended",
        message: suspensionMessage({ name: row!.name, suspendedReason: "Chargeback under review" }, env().seller.email),
      },
    });
  });
});

/** Next route handlers found on the file system, called in process as the malformed-input test does. */
const fileRoutes = discoverRoutes();

async function admin(pattern: string, method: string, url: string, body?: unknown) {
  const route = fileRoutes.find((r) => r.pattern === pattern)!;
  const mod = await route.load();
  const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
  const values = Object.fromEntries(
    url
      .split("/")
      .map((seg, i) => [pattern.split("/")[i], seg] as const)
      .filter(([p]) => p?.startsWith("["))
      .map(([p, seg]) => [p!.slice(1, -1), decodeURIComponent(seg)]),
  );
  const req = appRequest(url, staff, {
    method,
    headers: { origin: ORIGIN, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const res = await handler(req, { params: Promise.resolve(values) });
  return { status: res.status, body: (await res.json()) as { error?: { message: string; issues?: unknown[] } } };
}

describe("nested objects in JSON bodies are strict", () => {
  it("an unknown key inside a nested object is a 400 naming its path, nothing written", async () => {
    const before = await dbFingerprint(db);
    const terms = await admin(
      "/api/admin/orgs/[id]/enterprise-terms",
      "POST",
      `/api/admin/orgs/${org.id}/enterprise-terms`,
      {
        cycle: "annual",
        pricePerSeatCents: 42_000,
        limits: { maxAgents: 500, maxAgnets: 900 },
        reason: "nested strict probe",
      },
    );
    expect(terms.status).toBe(400);
    expect(terms.body.error!.message).toContain("limits.maxAgnets");
    const invoice = await admin("/api/admin/orgs/[id]/invoices", "POST", `/api/admin/orgs/${org.id}/invoices`, {
      lines: [{ description: "Setup", quantity: 1, unitAmountCents: 5000, unit_amount: 9_999_999 }],
      reason: "nested strict probe",
    });
    expect(invoice.status).toBe(400);
    expect(invoice.body.error!.message).toContain("lines.0.unit_amount");
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("top-level unknown keys name the key too", async () => {
    const res = await api("POST", "/api/v1/limits/check", { metric: "executions", amount: 1, amout: 2 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("amout");
  });
});

describe("every path parameter has a schema", () => {
  it("each Next route handler with a dynamic segment declares a zod schema for every segment", async () => {
    const missing: string[] = [];
    for (const route of fileRoutes.filter((r) => r.segments.length > 0 && r.auth !== "authjs")) {
      const mod = await route.load();
      for (const method of route.methods) {
        const shape = (mod[method] as { params?: { shape?: Record<string, unknown> } }).params?.shape ?? {};
        for (const segment of route.segments)
          if (!(segment in shape)) missing.push(`${method} ${route.pattern} ${segment}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("bad flag keys and Stripe event ids are a 404 with a message, never a 5xx", async () => {
    for (const bad of ["UPPER", "a", "x".repeat(64), "has space", "ключ", "../x", "-lead", "a\u00a0b"]) {
      const flag = await admin("/api/admin/flags/[key]", "GET", `/api/admin/flags/${encodeURIComponent(bad)}`);
      expect(flag.status, bad).toBe(404);
      expect(flag.body.error!.message).toMatch(/flag/i);
      const override = await admin(
        "/api/admin/flags/[key]/overrides",
        "PUT",
        `/api/admin/flags/${encodeURIComponent(bad)}/overrides`,
        { organization: org.slug, enabled: true, reason: "param probe" },
      );
      expect(override.status, bad).toBe(404);
    }
    for (const bad of ["evt", "evt_", "cus_123", "evt_a b", "evt_" + "a".repeat(300), "evt_é"]) {
      const event = await admin("/api/admin/webhooks/[id]", "GET", `/api/admin/webhooks/${encodeURIComponent(bad)}`);
      expect(event.status, bad).toBe(404);
      expect(event.body.error!.message).toMatch(/event/i);
      const replay = await admin(
        "/api/admin/webhooks/[id]/replay",
        "POST",
        `/api/admin/webhooks/${encodeURIComponent(bad)}/replay`,
        { reason: "param probe" },
      );
      expect(replay.status, bad).toBe(404);
    }
    // Good shapes still reach the service (and nobody has them: 404 from there).
    expect((await admin("/api/admin/flags/[key]", "GET", "/api/admin/flags/edge-flag")).status).toBe(200);
    expect((await admin("/api/admin/webhooks/[id]", "GET", "/api/admin/webhooks/evt_nobody_1")).status).toBe(404);
  });

  it("the platform API's path parameters are parsed (404 with a message) and documented in OpenAPI", async () => {
    for (const bad of ["not-a-uuid", "x".repeat(200), "00000000-0000-0000-0000-00000000000g"]) {
      const res = await api("GET", `/api/v1/reservations/${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/reservation/i);
    }
    const doc = buildOpenApiDocument(apiRoutes);
    for (const route of apiRoutes) {
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const params = doc.paths[route.path]![route.method]!.parameters ?? [];
      for (const name of names) {
        const p = params.find((x) => x.name === name && x.in === "path");
        expect(p, `${route.operationId} ${name}`).toBeTruthy();
        const schema = p!.schema as { format?: string; pattern?: string; maxLength?: number };
        expect(schema.format ?? schema.pattern, `${route.operationId} ${name}`).toBeTruthy();
      }
    }
  });
});
