import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { featureFlags, memberships, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { appRequest, CookieJar, ORIGIN, signInThroughAuthJs } from "../support/auth-http";
import { createTestDatabase } from "../support/db";
import { dbFingerprint } from "../support/db-fingerprint";
import { discoverRoutes, fillPattern, paramsFor, type RouteFile } from "../support/routes";
import { useAsAppDatabase } from "./admin-helpers";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * Every cookie-authenticated, state-changing route handler (found on the file system) refuses
 * a request from another origin, a same-site page on another port, a request that proves no
 * origin, and a body that isn't JSON: before it reads the body or writes anything.
 */

let database: Database;
let db: Db;
let staff: CookieJar;
let owner: CookieJar;
let values: Record<string, string>;
const PASSWORD = "csrf test password";

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  useAsAppDatabase(database);
  await ensurePlans(db);
  const org = await createOrg(db);
  const hash = await hashPassword(PASSWORD);
  const [s] = await db
    .insert(users)
    .values({ email: "staff@csrf.test", name: "Staff", passwordHash: hash, isPlatformAdmin: true })
    .returning();
  const [o] = await db
    .insert(users)
    .values({ email: "owner@csrf.test", name: "Owner", passwordHash: hash })
    .returning();
  await db.insert(memberships).values({ organizationId: org.id, userId: o!.id, role: "owner" });
  void s;
  staff = (await signInThroughAuthJs("staff@csrf.test", PASSWORD)).jar;
  owner = (await signInThroughAuthJs("owner@csrf.test", PASSWORD)).jar;
  values = { id: org.id, slug: org.slug, key: "some-flag", keyId: org.apiKeyId };
});
afterAll(async () => {
  await database?.close();
});

const cookieRoutes = discoverRoutes().filter((r) => r.auth === "admin" || r.auth === "session");
const writes = cookieRoutes.flatMap((r) =>
  r.methods.filter((m) => !["GET", "HEAD", "OPTIONS"].includes(m)).map((method) => ({ route: r, method })),
);

async function call(route: RouteFile, method: string, jar: CookieJar, headers: Record<string, string>, body: string) {
  const mod = await route.load();
  const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
  return handler(appRequest(fillPattern(route.pattern, values), jar, { method, headers, body }), {
    params: Promise.resolve(paramsFor(route.pattern, values)),
  });
}

const jarFor = (route: RouteFile) => (route.auth === "admin" ? staff : owner);
const BODY = JSON.stringify({ key: "csrf-flag", reason: "planted by another site", value: 1 });

describe("CSRF on cookie-authenticated writes", () => {
  it("finds the state-changing cookie routes on the file system", () => {
    expect(writes.length).toBeGreaterThanOrEqual(15);
  });

  const attacks: [string, Record<string, string>, number][] = [
    ["a cross-origin text/plain form", { origin: "https://evil.example", "content-type": "text/plain" }, 403],
    [
      "a same-site page on another port",
      { origin: "http://agentbill.test:8080", "content-type": "application/json" },
      403,
    ],
    ["a sibling subdomain", { origin: "http://evil.agentbill.test", "content-type": "application/json" }, 403],
    ["an opaque origin (sandboxed frame)", { origin: "null", "content-type": "application/json" }, 403],
    ["no Origin and a cross-site fetch", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, 403],
    ["no Origin and a same-site fetch", { "sec-fetch-site": "same-site", "content-type": "application/json" }, 403],
    ["no Origin at all", { "content-type": "application/json" }, 403],
    ["a same-origin urlencoded form", { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, 415],
    ["a same-origin text/plain body", { origin: ORIGIN, "content-type": "text/plain;charset=UTF-8" }, 415],
    ["a same-origin multipart form", { origin: ORIGIN, "content-type": "multipart/form-data; boundary=x" }, 415],
    ["same-origin with no content type", { origin: ORIGIN }, 415],
  ];

  it.each(attacks)("%s is refused everywhere, with nothing written", async (_what, headers, status) => {
    const before = await dbFingerprint(db);
    for (const { route, method } of writes) {
      const res = await call(route, method, jarFor(route), headers, BODY);
      expect({ route: route.pattern, method, status: res.status }).toEqual({ route: route.pattern, method, status });
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(status === 403 ? /Cross-site request refused/ : /application\/json/);
    }
    expect(await dbFingerprint(db)).toEqual(before);
  });

  it("the same write from this site, as JSON, goes through (Origin, or Sec-Fetch-Site without one)", async () => {
    const flags = (await import("@/app/api/admin/flags/route")) as {
      POST: (r: Request, c: unknown) => Promise<Response>;
    };
    const post = (key: string, headers: Record<string, string>) =>
      flags.POST(
        appRequest("/api/admin/flags", staff, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8", ...headers },
          body: JSON.stringify({ key, reason: "made from the console" }),
        }),
        { params: Promise.resolve({}) },
      );
    expect((await post("same-origin-flag", { origin: ORIGIN })).status).toBe(201);
    expect((await post("fetch-metadata-flag", { "sec-fetch-site": "same-origin" })).status).toBe(201);
    const created = await db
      .select({ key: featureFlags.key })
      .from(featureFlags)
      .where(eq(featureFlags.key, "same-origin-flag"));
    expect(created).toHaveLength(1);
  });

  it("a signed-out caller still hears 401 first, and reads (GET) need no Origin", async () => {
    const flags = (await import("@/app/api/admin/flags/route")) as {
      GET: (r: Request, c: unknown) => Promise<Response>;
      POST: (r: Request, c: unknown) => Promise<Response>;
    };
    const anon = await flags.POST(
      appRequest("/api/admin/flags", null, { method: "POST", headers: { "content-type": "text/plain" }, body: BODY }),
      { params: Promise.resolve({}) },
    );
    expect(anon.status).toBe(401);
    const read = await flags.GET(appRequest("/api/admin/flags", staff), { params: Promise.resolve({}) });
    expect(read.status).toBe(200);
  });
});
