import "server-only";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { signInThrottle } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";

/**
 * Sign-in throttling, shared by every instance through Postgres (`sign_in_throttle`).
 *
 * Each attempt first *reserves* a slot under two keys, the email and the client's address,
 * in one atomic upsert, and only then checks the password. So parallel guesses cannot slip
 * past the limit between a check and a record, and a blocked attempt never reaches the
 * password check at all (a right password during the block is refused too). A successful
 * sign-in clears the email's count and gives the client's slot back, so people behind one
 * address who sign in fine never lock each other out.
 */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Guesses at one account per window. */
export const MAX_ATTEMPTS_PER_EMAIL = 8;
/** Failed attempts from one client address per window (across accounts). */
export const MAX_ATTEMPTS_PER_CLIENT = 40;

export type ThrottleKey = { key: string; max: number };

const hash = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** The keys of one attempt: no email address or IP is stored in clear. */
export function signInThrottleKeys(email: string, clientAddress: string): ThrottleKey[] {
  return [
    { key: hash(`email:${email.trim().toLowerCase()}`), max: MAX_ATTEMPTS_PER_EMAIL },
    { key: hash(`client:${clientAddress}`), max: MAX_ATTEMPTS_PER_CLIENT },
  ];
}

export type Reservation = { allowed: true } | { allowed: false; waitMinutes: number };

/** Count one attempt under every key; refused when any key is over its limit in its window. */
export async function reserveSignInAttempt(db: Queryable, keys: ThrottleKey[]): Promise<Reservation> {
  const window = sql.raw(`interval '${SIGN_IN_WINDOW_SECONDS} seconds'`);
  const values = sql.join(
    keys.map((k) => sql`(${k.key}, 1, now())`),
    sql`, `,
  );
  const rows = rowsOf<{ key: string; attempts: number; wait_seconds: number }>(
    await db.execute(sql`
      insert into ${signInThrottle} as t (key, attempts, window_started_at) values ${values}
      on conflict (key) do update set
        attempts = case when t.window_started_at <= now() - ${window} then 1 else t.attempts + 1 end,
        window_started_at = case when t.window_started_at <= now() - ${window} then now() else t.window_started_at end
      returning t.key, t.attempts,
        greatest(0, extract(epoch from (t.window_started_at + ${window} - now())))::int as wait_seconds`),
  );
  // Forget windows that have passed (a few at a time, by index), so the table stays small.
  await db.execute(sql`
    delete from ${signInThrottle} where key in (
      select key from ${signInThrottle} where window_started_at < now() - ${window} limit 100)`);
  let wait = 0;
  for (const row of rows) {
    const max = keys.find((k) => k.key === row.key)?.max ?? 0;
    if (Number(row.attempts) > max) wait = Math.max(wait, Number(row.wait_seconds));
  }
  return wait > 0 ? { allowed: false, waitMinutes: Math.max(1, Math.ceil(wait / 60)) } : { allowed: true };
}

/** After a right password: the email starts afresh and the client's slot is given back. */
export async function settleSuccessfulSignIn(db: Queryable, keys: ThrottleKey[]): Promise<void> {
  const [email, client] = keys;
  if (email) await db.execute(sql`delete from ${signInThrottle} where key = ${email.key}`);
  if (client)
    await db.execute(sql`update ${signInThrottle} set attempts = greatest(attempts - 1, 0) where key = ${client.key}`);
}
