import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { featureFlags, memberships, users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { resolveOrgAccess } from "@/lib/auth/access";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/env";
import { appRequest, CookieJar, ORIGIN, signInThroughAuthJs } from "../support/auth-http";
import { createTestDatabase } from "../support/db";
import { dbFingerprint } from "../support/db-fingerprint";
import { apiRoutes } from "@/lib/api";
import { callApi } from "../support/api";
import { discoverRoutes, fillPattern, paramsFor, type RouteFile } from "../support/routes";
import { useAsAppDatabase } from "./admin-helpers";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * Every route handler under app/api (found on the file system) and every route of the platform
 * API (lib/api's declarations, through its Hono app), fed malformed input: bad ids in
 * every path segment, malformed JSON bodies (wrong types, numbers as strings, booleans, arrays,
 * NUL bytes, lone surrogates, control characters, oversize strings, unknown fields), malformed
 * query strings (dates, pages, NULs) and headers. Whatever comes in: never a 5xx; a refusal is a
 * 4xx with a message a person can act on; nothing is written (a fingerprint of every table).
 * Table-driven cases from the issue, then fast-check for inputs nobody listed.
 */

let database: Database;
let db: Db;
let staff: CookieJar;
let owner: CookieJar;
let real: Record<string, string>;
let apiKey: string;
const PASSWORD = "malformed test password";

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  useAsAppDatabase(database);
  await ensurePlans(db);
  const org = await createOrg(db, { plan: "pro" });
  const hash = await hashPassword(PASSWORD);
  await db
    .insert(users)
    .values({ email: "staff@malformed.test", name: "Staff", passwordHash: hash, isPlatformAdmin: true });
  const [o] = await db
    .insert(users)
    .values({ email: "owner@malformed.test", name: "Owner", passwordHash: hash })
    .returning();
  await db.insert(memberships).values({ organizationId: org.id, userId: o!.id, role: "owner" });
  await db.insert(featureFlags).values({ key: "existing-flag", description: "A flag", rolloutPercent: 10 });
  staff = (await signInThroughAuthJs("staff@malformed.test", PASSWORD)).jar;
  owner = (await signInThroughAuthJs("owner@malformed.test", PASSWORD)).jar;
  apiKey = org.key;
  real = { id: org.id, slug: org.slug, key: "existing-flag", keyId: org.apiKeyId };
}, 120_000);
afterAll(async () => {
  await database?.close();
});

/**
 * The platform API's routes (lib/api, served by its Hono app in front of Next), as route files:
 * `{id}` becomes `[id]`, and the handler is the Hono app itself (a real Request through it).
 */
function platformApiRoutes(): RouteFile[] {
  return apiRoutes.map((r) => {
    const pattern = r.path.replace(/\{([^}]+)\}/g, "[$1]");
    const method = r.method.toUpperCase();
    return {
      file: `lib/api (${r.operationId})`,
      pattern,
      segments: [...pattern.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!),
      methods: [method],
      auth: r.auth === "api_key" ? "api-key" : r.auth === "stripe_signature" ? "stripe" : "public",
      load: async () => ({ [method]: (req: Request) => callApi(req) }),
    } satisfies RouteFile;
  });
}

const routes = [...discoverRoutes(), ...platformApiRoutes()];
const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const cases = routes.flatMap((route) => route.methods.map((method) => ({ route, method })));

type Input = {
  segments?: Record<string, string>;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
};

/** The caller each route expects (so the input, not the caller, is what is wrong). */
function authHeaders(route: RouteFile, method: string): { jar: CookieJar | null; headers: Record<string, string> } {
  const json: Record<string, string> = WRITE.has(method) ? { origin: ORIGIN, "content-type": "application/json" } : {};
  switch (route.auth) {
    case "admin":
      return { jar: staff, headers: json };
    case "session":
      return { jar: owner, headers: json };
    case "api-key":
      return { jar: null, headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" } };
    case "cron":
      return { jar: null, headers: { authorization: `Bearer ${env().cronSecret}` } };
    default:
      return { jar: null, headers: WRITE.has(method) ? { "content-type": "application/json" } : {} };
  }
}

type Outcome = { status: number; text: string; error?: string };

async function call(route: RouteFile, method: string, input: Input): Promise<Outcome> {
  const values = { ...real, ...input.segments };
  const { jar, headers } = authHeaders(route, method);
  // A lone surrogate can't be put in a URL: the handler still gets it as a param (what a router
  // decoding a segment by hand might pass), on a URL with a placeholder.
  let filled: string;
  try {
    filled = fillPattern(route.pattern, values);
  } catch {
    filled = fillPattern(route.pattern, Object.fromEntries(Object.keys(values).map((k) => [k, "x"])));
  }
  const path = filled + (input.query ? `?${input.query}` : "");
  let req: Request;
  try {
    req = appRequest(path, jar, {
      method,
      headers: { ...headers, ...input.headers },
      ...(WRITE.has(method) && input.body !== undefined ? { body: input.body } : {}),
    });
  } catch {
    return { status: 400, text: "", error: "the client itself refuses to build this request" };
  }
  const mod = await route.load();
  const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
  const res = await handler(req, { params: Promise.resolve(paramsFor(route.pattern, values)) });
  // Read the whole body: a stream that breaks halfway (a CSV export) is a server error too.
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return { status: 599, text: `body broke mid-stream: ${err instanceof Error ? err.message : String(err)}` };
  }
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
  } catch {
    error = undefined;
  }
  return { status: res.status, text, error };
}

/** What is wrong with an answer: a 5xx, or a refusal without a message a person can act on. */
function problemOf(what: string, out: Outcome, opts: { refused?: boolean } = {}): string | null {
  const summary = `${what} → ${out.status} ${out.text.slice(0, 200)}`;
  if (out.status >= 500) return summary;
  if (opts.refused && out.status < 400) return `not refused: ${summary}`;
  if (out.status >= 400 && (typeof out.error !== "string" || out.error.length < 10)) return `no message: ${summary}`;
  return null;
}

function expectHandled(what: string, out: Outcome, opts: { refused?: boolean } = {}) {
  expect(problemOf(what, out, opts)).toBeNull();
}

/** Collects the problems of a whole table, so one run lists every failing cell. */
class Problems {
  readonly list: string[] = [];
  check(what: string, out: Outcome, opts: { refused?: boolean } = {}) {
    const p = problemOf(what, out, opts);
    if (p) this.list.push(p);
  }
  expectNone() {
    expect(this.list.slice(0, 40), `${this.list.length} problems`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------
// Values that are wrong wherever they go.

const BAD_IDS = [
  "",
  " ",
  "not-a-uuid",
  "a".repeat(36),
  "-".repeat(36),
  "00000000-0000-0000-0000-00000000000g",
  "00000000-0000-0000-0000-000000000000",
  "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF",
  "\u0000",
  "abc\u0000def",
  "\ud800",
  "x\udfffy",
  "../../etc/passwd",
  "1e2",
  "0x10",
  "null",
  "' or 1=1 --",
  "ACME",
  "acme\u0001",
  "é",
  "🙂",
  "x".repeat(5000),
];

/** Strings no field accepts: NUL, lone surrogates, control characters, far past any length cap. */
const POISON_STRINGS = [
  "\u0000",
  "valid words\u0000",
  "\ud800",
  "a reason \udc00 here",
  "\u0001\u0002",
  "bell\u0007",
  "esc\u001b[31m",
  "x".repeat(100_001),
];
/** Values no field accepts: the strings above, arrays of numbers, objects where scalars go. */
const POISON_VALUES: unknown[] = [...POISON_STRINGS, [5], [[["deep"]]], { $gt: "" }];

const FIELDS = [
  "reason",
  "key",
  "value",
  "days",
  "planId",
  "cycle",
  "pricePerSeatCents",
  "limits",
  "lines",
  "currency",
  "dueInDays",
  "memo",
  "description",
  "defaultEnabled",
  "rolloutPercent",
  "organization",
  "enabled",
  "metric",
  "amount",
  "events",
  "apiKeyId",
];

/** A body that is otherwise plausible, with one field poisoned. */
function poisonedBody(field: string, poison: unknown): string {
  const base: Record<string, unknown> = {
    reason: "A plausible reason for the audit log",
    key: "maxAgents",
    value: 5,
    days: 5,
    planId: "pro",
    cycle: "monthly",
    pricePerSeatCents: 10_000,
    description: "d",
    defaultEnabled: true,
    rolloutPercent: 5,
    organization: "nobody-here",
    enabled: true,
    metric: "executions",
    amount: 1,
  };
  return JSON.stringify({ ...base, [field]: poison });
}

/** Writes whose input is a JSON body (the cron route's input is its query; Auth.js and Stripe speak their own formats). */
const writes = cases.filter(
  (c) => WRITE.has(c.method) && c.route.auth !== "authjs" && c.route.auth !== "stripe" && c.route.auth !== "cron",
);
/** On the cron route a valid query runs the job: tests that vary something else give it a refused one. */
const CRON_REFUSED = "days=%00";
const withSegments = cases.filter((c) => c.route.segments.length > 0 && c.route.auth !== "authjs");

describe("malformed input on every route", () => {
  it("finds the routes on the file system", () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    // The platform API moved into lib/api (Hono): its routes are walked too.
    expect(routes.filter((r) => r.file.startsWith("lib/api")).map((r) => r.pattern)).toContain("/api/v1/usage/events");
    expect(writes.length).toBeGreaterThanOrEqual(15);
  });

  it("bad ids in every path segment: 4xx with a message, nothing written", async () => {
    const problems = new Problems();
    const before = await dbFingerprint(db);
    for (const { route, method } of withSegments)
      for (const segment of route.segments)
        for (const bad of BAD_IDS) {
          const out = await call(route, method, {
            segments: { [segment.replace(/^\.\.\./, "")]: bad },
            body: JSON.stringify({ reason: "A plausible reason", key: "maxAgents", value: 5, organization: "x" }),
          });
          problems.check(`${method} ${route.pattern} ${segment}=${JSON.stringify(bad).slice(0, 40)}`, out, {
            refused: true,
          });
        }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("the issue's coercions are refused, naming the field (JSON numbers are numbers)", async () => {
    const overrides = routes.find((r) => r.pattern === "/api/admin/orgs/[id]/limit-overrides")!;
    const flag = routes.find((r) => r.pattern === "/api/admin/flags/[key]")!;
    const flags = routes.find((r) => r.pattern === "/api/admin/flags")!;
    const trial = routes.find((r) => r.pattern === "/api/admin/orgs/[id]/trial")!;
    const before = await dbFingerprint(db);
    for (const value of [true, [5], "0x10", "1e2", "5", "", false, { n: 5 }]) {
      const out = await call(overrides, "PUT", {
        body: JSON.stringify({ key: "maxAgents", value, reason: "coercion probe" }),
      });
      expectHandled(`limit-overrides value=${JSON.stringify(value)}`, out, { refused: true });
      expect(out.status).toBe(400);
      expect(out.error).toMatch(/value/);
    }
    for (const rolloutPercent of [true, "50", [50], "0x10", "1e1"]) {
      const patched = await call(flag, "PATCH", { body: JSON.stringify({ rolloutPercent, reason: "coercion probe" }) });
      expectHandled(`PATCH flag rolloutPercent=${JSON.stringify(rolloutPercent)}`, patched, { refused: true });
      expect(patched.error).toMatch(/rolloutPercent/);
      const created = await call(flags, "POST", {
        body: JSON.stringify({ key: "new-flag", rolloutPercent, reason: "coercion probe" }),
      });
      expectHandled(`POST flag rolloutPercent=${JSON.stringify(rolloutPercent)}`, created, { refused: true });
      expect(created.error).toMatch(/rolloutPercent/);
    }
    for (const defaultEnabled of ["true", "on", 1, [true]]) {
      const out = await call(flags, "POST", {
        body: JSON.stringify({ key: "new-flag", defaultEnabled, reason: "coercion probe" }),
      });
      expectHandled(`POST flag defaultEnabled=${JSON.stringify(defaultEnabled)}`, out, { refused: true });
      expect(out.error).toMatch(/defaultEnabled/);
    }
    for (const days of ["5", true, [5], "1e1"]) {
      const out = await call(trial, "POST", { body: JSON.stringify({ days, reason: "coercion probe" }) });
      expectHandled(`trial days=${JSON.stringify(days)}`, out, { refused: true });
      expect(out.error).toMatch(/days/);
    }
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("unknown ids answer 404 (resync of an unknown organization included)", async () => {
    const resync = routes.find((r) => r.pattern === "/api/admin/orgs/[id]/resync")!;
    const out = await call(resync, "POST", {
      segments: { id: "7d1c5e38-2f7e-4a3b-9a55-3d1f0c8e9b21" },
      body: JSON.stringify({ reason: "resync probe" }),
    });
    expect(out.status).toBe(404);
  });

  it("every write refuses bodies that are not a JSON object, with nothing written", async () => {
    const problems = new Problems();
    const before = await dbFingerprint(db);
    const bodies = ["", "{", "nope", "[]", "5", '"x"', "null", "true", '{"a":', "\u0000", '{"reason": "\ud800"}'];
    for (const { route, method } of writes)
      for (const body of bodies) {
        const out = await call(route, method, { body });
        problems.check(`${method} ${route.pattern} body=${JSON.stringify(body)}`, out, { refused: true });
      }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("every write refuses a poisoned field (NUL, lone surrogates, controls, oversize, arrays), nothing written", async () => {
    const problems = new Problems();
    const before = await dbFingerprint(db);
    for (const { route, method } of writes)
      for (const field of FIELDS)
        for (const poison of POISON_VALUES) {
          const out = await call(route, method, { body: poisonedBody(field, poison) });
          problems.check(`${method} ${route.pattern} ${field}=${JSON.stringify(poison).slice(0, 40)}`, out, {
            refused: true,
          });
        }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  }, 300_000);

  it("malformed query strings on every route: never a 5xx, nothing written", async () => {
    const queries = [
      "from=%20&to=2026-11-30",
      "from=0000-01-01&to=0000-01-31",
      "from=9999-12-01&to=9999-12-31",
      "from=2026-02-30",
      "from=2026-11-30&to=2026-11-01",
      "from=1900-01-01&to=2100-12-31",
      "to=%00",
      "actor=%00",
      "actor=%ED%A0%80",
      "q=%00",
      "q=%E0%80%80",
      "org=%00",
      "type=%00",
      "action=%00",
      "page=1e2",
      "page=0x10",
      "page=-1",
      "page=99999999999999999999",
      "perPage=1e300",
      "days=%00",
      "days=1e2",
      "days=-5",
      "organization=%00",
      "close=%00",
      "status=%00",
      "sort=%00",
      "plan=%00",
      "from=2026-11-01&from=2026-11-02",
      "callbackUrl=%5C%5Cevil.example",
      "callbackUrl=%00",
      "%00=%00",
      "a".repeat(20_000) + "=1",
    ];
    const problems = new Problems();
    const before = await dbFingerprint(db);
    for (const { route, method } of cases) {
      if (route.auth === "cron" && method === "POST") continue; // a valid query there runs the job: below
      for (const query of queries) {
        const out = await call(route, method, { query, body: "{}" });
        problems.check(`${method} ${route.pattern}?${query.slice(0, 60)}`, out);
      }
    }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  }, 300_000);

  it("the cron route refuses a malformed query before running anything", async () => {
    const cron = routes.find((r) => r.auth === "cron")!;
    const problems = new Problems();
    const before = await dbFingerprint(db);
    for (const query of [
      "days=%00",
      "days=1e2",
      "days=0x10",
      "from=0000-01-01",
      "from=%20",
      "organization=%00",
      "close=%00",
    ]) {
      const out = await call(cron, "POST", { query });
      problems.check(`cron ?${query}`, out, { refused: true });
    }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("malformed headers: never a 5xx, nothing written", async () => {
    const headerSets: Record<string, string>[] = [
      { authorization: "Bearer" },
      { authorization: `Bearer ${"x".repeat(10_000)}` },
      { authorization: "Bearer agb_\u00e9\u00e9\u00e9" },
      { authorization: "Basic Zm9vOmJhcg==" },
      { cookie: "authjs.session-token=%00%zz" },
      { cookie: `authjs.session-token=${"a".repeat(8000)}` },
      { "content-type": "application/json; charset=utf-16" },
      { "content-length": "99999999999" },
      { "x-forwarded-for": "not-an-ip, \u00ff" },
      { "stripe-signature": "t=0,v1=00" },
      { origin: "null" },
    ];
    const problems = new Problems();
    const before = await dbFingerprint(db);
    for (const { route, method } of cases)
      for (const headers of headerSets) {
        const out = await call(route, method, {
          headers,
          body: "{}",
          ...(route.auth === "cron" ? { query: CRON_REFUSED } : {}),
        });
        problems.check(`${method} ${route.pattern} ${JSON.stringify(headers).slice(0, 60)}`, out);
      }
    problems.expectNone();
    expect(await dbFingerprint(db)).toEqual(before);
  }, 300_000);
});

describe("organization slugs in page URLs", () => {
  it("a slug no organization could have is nobody's, answered before the database", async () => {
    const [staffRow] = await db.select().from(users).where(eq(users.email, "staff@malformed.test"));
    for (const slug of ["\u0000", "acme\u0000", "\ud800", "ACME", "a".repeat(500), "", " ", "../x", "-x"]) {
      const access = await resolveOrgAccess(db, { id: staffRow!.id, isPlatformAdmin: true }, slug, "member");
      expect(access).toEqual({ ok: false, reason: "no_access" });
    }
    expect((await resolveOrgAccess(db, { id: staffRow!.id, isPlatformAdmin: true }, real.slug!, "member")).ok).toBe(
      true,
    );
  });
});

describe("property: arbitrary input on every route", () => {
  const anyString = fc.string({ unit: "binary", maxLength: 60 });
  const poison = fc.constantFrom(...POISON_VALUES);
  const json = fc.jsonValue({ maxDepth: 3 });

  it("ids, bodies and queries made by fast-check: never a 5xx, refusals explain, nothing written", async () => {
    const before = await dbFingerprint(db);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.option(anyString, { nil: undefined }),
        fc.record({ field: fc.constantFrom(...FIELDS), poison }),
        fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(json, anyString), { maxKeys: 5 }),
        fc.array(fc.tuple(anyString, anyString), { maxLength: 3 }),
        async ({ route, method }, badSegment, { field, poison }, extra, queryPairs) => {
          const segments =
            badSegment !== undefined && route.segments.length > 0
              ? { [route.segments[0]!.replace(/^\.\.\./, "")]: badSegment }
              : undefined;
          const body = JSON.stringify({ ...extra, [field]: poison });
          const query = new URLSearchParams(queryPairs).toString();
          const isWrite = WRITE.has(method) && route.auth !== "authjs" && route.auth !== "stripe";
          // A query on the cron route could be valid (and run the job): cron gets a poisoned one.
          const q = route.auth === "cron" ? `${CRON_REFUSED}&${query}` : query;
          const out = await call(route, method, { segments, body, query: q });
          expectHandled(`${method} ${route.pattern}`, out, { refused: isWrite || route.auth === "cron" });
        },
      ),
      { numRuns: 400 },
    );
    expect(await dbFingerprint(db)).toEqual(before);
  }, 600_000);
});
