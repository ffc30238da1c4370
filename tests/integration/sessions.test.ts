import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { authRevokedSessions, memberships, users } from "@/db/schema";
import { changePassword, revokeSessions, signOutEverywhere } from "@/lib/auth";
import { hashPassword } from "@/lib/auth/password";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { GET as usageExport } from "@/app/api/orgs/[slug]/usage/export/route";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import {
  appRequest,
  CookieJar,
  csrfToken,
  ORIGIN,
  sessionOf,
  signInThroughAuthJs,
  signOutThroughAuthJs,
} from "../support/auth-http";
import { createTestDatabase } from "../support/db";
import { useAsAppDatabase } from "./admin-helpers";
import { createOrg, ensurePlans, type TestOrg } from "./usage-fixtures";

let database: Database;
let db: Db;
let org: TestOrg;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  useAsAppDatabase(database);
  await ensurePlans(db);
  org = await createOrg(db);
});
afterAll(async () => {
  await database?.close();
});

let n = 0;
async function makeUser(password = PASSWORD): Promise<{ id: string; email: string }> {
  const email = `person${++n}-${Date.now()}@sessions.test`;
  const [u] = await db
    .insert(users)
    .values({ email, name: `Person ${n}`, passwordHash: await hashPassword(password) })
    .returning({ id: users.id, email: users.email });
  await db.insert(memberships).values({ organizationId: org.id, userId: u!.id, role: "member" });
  return u!;
}

/** An organization route read with these cookies: 200 while the session lives, 401 after. */
async function readOrgRoute(jar: CookieJar): Promise<number> {
  const res = await usageExport(appRequest(`/api/orgs/${org.slug}/usage/export?days=7`, jar), {
    params: Promise.resolve({ slug: org.slug }),
  });
  return res.status;
}

describe("sessions are revoked on the server", () => {
  it("a session from Auth.js's own sign-in reads organization routes", async () => {
    const user = await makeUser();
    const { jar, signedIn, status } = await signInThroughAuthJs(user.email, PASSWORD);
    expect(status).toBe(302);
    expect(signedIn).toBe(true);
    expect(await readOrgRoute(jar)).toBe(200);
    expect((await sessionOf(jar))?.user?.email).toBe(user.email);
  });

  it("sign-out ends that session: a copy of the old cookie no longer reads anything", async () => {
    const user = await makeUser();
    const { jar } = await signInThroughAuthJs(user.email, PASSWORD);
    const stolen = new CookieJar(jar);
    expect(await readOrgRoute(stolen)).toBe(200);
    await signOutThroughAuthJs(jar);
    expect(jar.sessionToken).toBeUndefined();
    expect(await readOrgRoute(stolen)).toBe(401);
    expect(await sessionOf(stolen)).toBeNull();
  });

  it("signing out one session leaves the user's other sessions alone", async () => {
    const user = await makeUser();
    const laptop = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    const phone = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    await signOutThroughAuthJs(laptop);
    expect(await readOrgRoute(phone)).toBe(200);
  });

  it("signing out twice, or with a session already ended, is harmless", async () => {
    const user = await makeUser();
    const { jar } = await signInThroughAuthJs(user.email, PASSWORD);
    const copy = new CookieJar(jar);
    await signOutThroughAuthJs(jar);
    const again = await signOutThroughAuthJs(copy);
    expect(again.status).toBeLessThan(400);
    const rows = await db.select().from(authRevokedSessions).where(eq(authRevokedSessions.userId, user.id));
    expect(rows).toHaveLength(1);
  });

  it("sign out everywhere ends every session of the user, and only theirs", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const a = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    const b = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    const bystander = (await signInThroughAuthJs(other.email, PASSWORD)).jar;
    await signOutEverywhere(db, user);
    expect(await readOrgRoute(a)).toBe(401);
    expect(await readOrgRoute(b)).toBe(401);
    expect(await readOrgRoute(bystander)).toBe(200);
    // Signing in again works at once.
    expect(await readOrgRoute((await signInThroughAuthJs(user.email, PASSWORD)).jar)).toBe(200);
  });

  it("revokeSessions (for a password reset) ends every session", async () => {
    const user = await makeUser();
    const jar = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    await revokeSessions(db, user.id);
    expect(await readOrgRoute(jar)).toBe(401);
  });

  it("a deleted user's session ends", async () => {
    const user = await makeUser();
    const jar = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    await db.delete(users).where(eq(users.id, user.id));
    expect(await readOrgRoute(jar)).toBe(401);
  });

  it("a revoked session cannot be revived through Auth.js's session update endpoint", async () => {
    const user = await makeUser();
    const { jar } = await signInThroughAuthJs(user.email, PASSWORD);
    await revokeSessions(db, user.id);
    const token = await csrfToken(jar);
    const res = await (authPost as unknown as (r: Request, c: unknown) => Promise<Response>)(
      new Request(`${ORIGIN}/api/auth/session`, {
        method: "POST",
        headers: {
          host: new URL(ORIGIN).host,
          "x-forwarded-proto": "http",
          "content-type": "application/json",
          cookie: jar.header(),
        },
        body: JSON.stringify({ csrfToken: token, data: { sv: 99 } }),
      }),
      { params: Promise.resolve({}) },
    );
    jar.take(res);
    expect(await readOrgRoute(jar)).toBe(401);
  });

  it("tokens without a session id and version (issued before revocation existed) are refused", async () => {
    const user = await makeUser();
    const legacy = await encode({
      token: { uid: user.id, email: user.email, sub: user.id },
      secret: env().authSecret,
      salt: "authjs.session-token",
    });
    const jar = new CookieJar();
    jar.take(new Response(null, { headers: { "set-cookie": `authjs.session-token=${legacy}; Path=/` } }));
    expect(await readOrgRoute(jar)).toBe(401);
  });

  it("a tampered cookie is refused", async () => {
    const user = await makeUser();
    const { jar } = await signInThroughAuthJs(user.email, PASSWORD);
    const token = jar.sessionToken!;
    const bad = new CookieJar();
    const flipped = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    bad.take(new Response(null, { headers: { "set-cookie": `authjs.session-token=${flipped}; Path=/` } }));
    expect(await readOrgRoute(bad)).toBe(401);
  });
});

describe("changing the password while signed in", () => {
  it("needs the current password; a wrong one changes nothing and ends nothing", async () => {
    const user = await makeUser();
    const { jar } = await signInThroughAuthJs(user.email, PASSWORD);
    const err = await changePassword(db, user.id, {
      currentPassword: "not my password",
      newPassword: "a brand new password",
      confirmPassword: "a brand new password",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/current password/);
    expect(await readOrgRoute(jar)).toBe(200);
    expect((await signInThroughAuthJs(user.email, PASSWORD)).signedIn).toBe(true);
  });

  it("refuses a short or mistyped new password, saying which field", async () => {
    const user = await makeUser();
    await expect(
      changePassword(db, user.id, { currentPassword: PASSWORD, newPassword: "short", confirmPassword: "short" }),
    ).rejects.toThrow(/at least 10/);
    await expect(
      changePassword(db, user.id, {
        currentPassword: PASSWORD,
        newPassword: "a brand new password",
        confirmPassword: "a brand new passw0rd",
      }),
    ).rejects.toThrow(/differ/);
  });

  it("ends the other sessions; the old password stops working and the new one works", async () => {
    const user = await makeUser();
    const other = (await signInThroughAuthJs(user.email, PASSWORD)).jar;
    const { sessionVersion } = await changePassword(db, user.id, {
      currentPassword: PASSWORD,
      newPassword: "a brand new password",
      confirmPassword: "a brand new password",
    });
    expect(sessionVersion).toBe(1);
    expect(await readOrgRoute(other)).toBe(401);
    expect((await signInThroughAuthJs(user.email, PASSWORD)).signedIn).toBe(false);
    const fresh = await signInThroughAuthJs(user.email, "a brand new password");
    expect(fresh.signedIn).toBe(true);
    expect(await readOrgRoute(fresh.jar)).toBe(200);
  });
});

describe("Auth.js's endpoints refuse bad callback URLs without a server error", () => {
  const get = (path: string, cookie = "") =>
    (authGet as unknown as (r: Request, c: unknown) => Promise<Response>)(
      new Request(`${ORIGIN}/api/auth/${path}`, {
        headers: { host: new URL(ORIGIN).host, "x-forwarded-proto": "http", cookie },
      }),
      { params: Promise.resolve({}) },
    );

  it.each([
    "%5C%5Cevil.example",
    "%2F%5Cevil.example",
    "javascript%3Aalert(1)",
    "%00",
    "%ED%A0%80",
    "https%3A%2F%2Fevil.example",
  ])("GET /api/auth/signin?callbackUrl=%s redirects to this site", async (value) => {
    const res = await get(`signin?callbackUrl=${value}`);
    expect(res.status).toBeLessThan(500);
    const location = res.headers.get("location") ?? "";
    expect(location).not.toContain("evil.example");
    if (location) expect(new URL(location, ORIGIN).origin).toBe(ORIGIN);
  });

  it("a forged callback-url cookie is dropped, not a 500", async () => {
    const res = await get("signin", "authjs.callback-url=%5C%5Cevil.example");
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("location") ?? "").not.toContain("evil.example");
  });

  it("signing in with a foreign callback URL lands on this site", async () => {
    const user = await makeUser();
    const { location, signedIn } = await signInThroughAuthJs(user.email, PASSWORD, {
      callbackUrl: "https://evil.example/phish",
    });
    expect(signedIn).toBe(true);
    expect(new URL(location!, ORIGIN).origin).toBe(ORIGIN);
  });
});
