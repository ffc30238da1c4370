/** Helpers of the admin and customer-page benchmarks. The app server, database URL and formatting are the ingest benchmark's. */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type Database } from "../db/connect";
import { withDatabase } from "./ingest-support";

export { BENCH_SECRETS, fmt, startApp, withDatabase } from "./ingest-support";

/**
 * Runs `fn` on a fresh, migrated database of its own on the PostgreSQL at `adminUrl`, dropped at
 * the end (kept with BENCH_KEEP=1, and its name printed).
 */
export async function withBenchDatabase(
  adminUrl: string,
  prefix: string,
  fn: (database: Database, url: string) => Promise<void>,
): Promise<void> {
  const name = `agentbill_bench_${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ url, max: 10 });
  try {
    await database.migrate();
    await fn(database, url);
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP === "1") console.log(`Kept the database ${name} (BENCH_KEEP=1): drop it when done.`);
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

/** Nearest-rank percentile of an ascending array (the admin figures in the README use this rule). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Signs in through next-auth's credentials endpoint, as the login form does; answers the Cookie header to send. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair!.split("=");
      jar.set(k!, v.join("="));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  keep(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/` }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token")))
    throw new Error(`sign-in as ${email} failed (HTTP ${res.status})`);
  return cookie();
}
