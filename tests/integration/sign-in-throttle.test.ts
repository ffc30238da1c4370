import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { signInThrottle, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import {
  MAX_ATTEMPTS_PER_CLIENT,
  MAX_ATTEMPTS_PER_EMAIL,
  reserveSignInAttempt,
  signInThrottleKeys,
} from "@/lib/auth/throttle";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { CookieJar } from "../support/auth-http";
import { createTestDatabase } from "../support/db";
import { startHttpFront } from "../support/http-front";
import { useAsAppDatabase } from "./admin-helpers";

/**
 * The sign-in throttle through Auth.js's own endpoint, over real HTTP (CSRF token, form post,
 * cookies), behind a front that stamps the client's address as the app's server does.
 */

let database: Database & { url: string | null };
let db: Db;
let front: Awaited<ReturnType<typeof startHttpFront>>;
const PASSWORD = "right password 123";

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  useAsAppDatabase(database);
  front = await startHttpFront([{ prefix: "/api/auth/", methods: { GET: authGet as never, POST: authPost as never } }]);
});
beforeEach(async () => {
  await db.delete(signInThrottle);
});
afterAll(async () => {
  await front?.close();
  await database?.close();
});

let n = 0;
async function makeUser(): Promise<string> {
  const email = `guess${++n}-${Date.now()}@throttle.test`;
  await db.insert(users).values({ email, name: `Guess ${n}`, passwordHash: await hashPassword(PASSWORD) });
  return email;
}

type Attempt = { signedIn: boolean; code: string | null; status: number };

/** One browser-like sign-in through POST /api/auth/callback/credentials. */
async function attempt(email: string, password: string, headers: Record<string, string> = {}): Promise<Attempt> {
  const jar = new CookieJar();
  const csrf = await fetch(`${front.url}/api/auth/csrf`, { headers });
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${front.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  jar.take(res);
  const location = res.headers.get("location") ?? "";
  return {
    signedIn: Boolean(jar.sessionToken),
    code: location.includes("error=") ? new URL(location, front.url).searchParams.get("code") : null,
    status: res.status,
  };
}

/** Pretend this client address already used up its attempts in this window. */
async function exhaust(clientAddress: string) {
  const [, client] = signInThrottleKeys("anyone@x.test", clientAddress);
  await db
    .insert(signInThrottle)
    .values({ key: client!.key, attempts: MAX_ATTEMPTS_PER_CLIENT })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: { attempts: MAX_ATTEMPTS_PER_CLIENT, windowStartedAt: sql`now()` },
    });
}

describe("sign-in throttle through Auth.js's own endpoint", () => {
  it("after eight wrong passwords the right one is refused too, and no session is issued", async () => {
    const email = await makeUser();
    for (let i = 0; i < MAX_ATTEMPTS_PER_EMAIL; i++) {
      const a = await attempt(email, `wrong ${i}`);
      expect(a).toMatchObject({ signedIn: false, code: "invalid_credentials" });
    }
    for (let i = 0; i < 4; i++) {
      const a = await attempt(email, PASSWORD);
      expect(a).toMatchObject({ signedIn: false, code: "rate_limited" });
    }
  });

  it("the window passing lets the right password in again", async () => {
    const email = await makeUser();
    for (let i = 0; i < MAX_ATTEMPTS_PER_EMAIL; i++) await attempt(email, "wrong");
    expect((await attempt(email, PASSWORD)).code).toBe("rate_limited");
    await db.update(signInThrottle).set({ windowStartedAt: sql`now() - interval '16 minutes'` });
    expect((await attempt(email, PASSWORD)).signedIn).toBe(true);
  });

  it("parallel guesses cannot slip past the limit: exactly eight reach the password check", async () => {
    const email = await makeUser();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(email, `parallel ${i}`)));
    expect(results.filter((r) => r.code === "invalid_credentials")).toHaveLength(MAX_ATTEMPTS_PER_EMAIL);
    expect(results.filter((r) => r.code === "rate_limited")).toHaveLength(12 - MAX_ATTEMPTS_PER_EMAIL);
  });

  it("a success clears the email's count: a few typos never add up to a lockout", async () => {
    const email = await makeUser();
    for (let i = 0; i < MAX_ATTEMPTS_PER_EMAIL - 1; i++) await attempt(email, "typo");
    expect((await attempt(email, PASSWORD)).signedIn).toBe(true);
    const [emailKey] = signInThrottleKeys(email, "127.0.0.1");
    expect(await db.select().from(signInThrottle).where(eq(signInThrottle.key, emailKey!.key))).toEqual([]);
  });

  it("changing X-Forwarded-For does not reset the limit of a client that talks to us directly", async () => {
    await exhaust("127.0.0.1");
    try {
      const email = await makeUser();
      for (const xff of ["203.0.113.7", "198.51.100.1, 203.0.113.8", "::1", "garbage"]) {
        const a = await attempt(email, PASSWORD, { "x-forwarded-for": xff, "x-real-ip": "203.0.113.9" });
        expect(a).toMatchObject({ signedIn: false, code: "rate_limited" });
      }
      // Nor can it claim an address by sending the stamp itself.
      const forged = await attempt(email, PASSWORD, { "x-agentbill-client-address": "203.0.113.10" });
      expect(forged.code).toBe("rate_limited");
    } finally {
      await db.delete(signInThrottle);
    }
  });

  it("behind a trusted proxy, the forwarded client address is the one counted", async () => {
    front.setTrusted(["127.0.0.1"]);
    try {
      await exhaust("203.0.113.50");
      const email = await makeUser();
      // The proxy (127.0.0.1) says the client is 203.0.113.50: blocked.
      expect((await attempt(email, PASSWORD, { "x-forwarded-for": "203.0.113.50" })).code).toBe("rate_limited");
      // A client's own left-hand entry doesn't help: the proxy's right-hand hop decides.
      expect((await attempt(email, PASSWORD, { "x-forwarded-for": "198.51.100.9, 203.0.113.50" })).code).toBe(
        "rate_limited",
      );
      // Another client behind the same proxy signs in.
      expect((await attempt(email, PASSWORD, { "x-forwarded-for": "203.0.113.51" })).signedIn).toBe(true);
    } finally {
      front.setTrusted([]);
      await db.delete(signInThrottle);
    }
  });

  it("successful sign-ins from one address give their slot back (an office behind one NAT)", async () => {
    const emails = await Promise.all(Array.from({ length: 3 }, () => makeUser()));
    for (const email of emails) expect((await attempt(email, PASSWORD)).signedIn).toBe(true);
    const [, client] = signInThrottleKeys("x@x.test", "127.0.0.1");
    const [row] = await db.select().from(signInThrottle).where(eq(signInThrottle.key, client!.key));
    expect(row?.attempts ?? 0).toBe(0);
  });

  it("keeps no email address or IP in clear", async () => {
    const email = await makeUser();
    await attempt(email, "wrong");
    const rows = await db.select({ key: signInThrottle.key }).from(signInThrottle);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.key).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.runIf(Boolean(process.env.DATABASE_URL))("several instances share the count", () => {
  it("attempts made through one instance's pool count on another's", async () => {
    const other = await openDatabase({ url: database.url!, max: 2 });
    try {
      const keys = signInThrottleKeys(`shared-${Date.now()}@throttle.test`, "192.0.2.1");
      for (let i = 0; i < MAX_ATTEMPTS_PER_EMAIL; i++) {
        const via = i % 2 === 0 ? db : other.db;
        expect((await reserveSignInAttempt(via, keys)).allowed).toBe(true);
      }
      expect(await reserveSignInAttempt(other.db, keys)).toMatchObject({ allowed: false });
      expect(await reserveSignInAttempt(db, keys)).toMatchObject({ allowed: false });
    } finally {
      await other.close();
    }
  });
});
