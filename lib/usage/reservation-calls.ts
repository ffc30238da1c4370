import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/types";

/** Where a reservation stands (the `reservation_status` enum). */
export type ReservationStatus = "active" | "committed" | "released" | "expired" | "denied";

/**
 * The two hot calls (reserve_usage, commit_reservation) as prepared statements, built once per
 * database handle. A parameterised `db.execute(sql…)` is not prepared, and postgres.js then
 * describes it before every execution: two round trips (and two event-loop turns) per call
 * instead of one.
 */
const P = {
  org: sql.placeholder("org"),
  a: sql.placeholder("a"),
  b: sql.placeholder("b"),
  c: sql.placeholder("c"),
  d: sql.placeholder("d"),
  e: sql.placeholder("e"),
  f: sql.placeholder("f"),
  g: sql.placeholder("g"),
};
export type CallParams = Partial<Record<keyof typeof P, string | number | boolean | null>>;
type PreparedCall<T> = { execute(params: CallParams): Promise<T[]> };

const rowFields = {
  id: sql<string>`r.id`,
  metric: sql<string>`r.metric::text`,
  amount: sql<string>`r.amount`,
  status: sql<ReservationStatus>`r.status::text`,
  allowed: sql<boolean>`r.allowed`,
  overage: sql<string>`r.overage`,
  limit_value: sql<string | null>`r.limit_value`,
  used_before: sql<string>`r.used_before`,
  expires_at: sql<string | Date>`r.expires_at`,
  committed_quantity: sql<string | null>`r.committed_quantity`,
};

const CALLS = {
  reserve: (db: Queryable) =>
    db
      .select({ ...rowFields, replay: sql<boolean>`r.replay` })
      .from(
        sql`reserve_usage(${P.org}::uuid, ${P.a}::usage_metric, ${P.b}::bigint, ${P.c}::text, ${P.d}::int,
          ${P.e}::bigint, ${P.f}::boolean, ${P.g}::timestamptz) as r`,
      )
      .prepare("reserve_usage"),
  commit: (db: Queryable) =>
    db
      .select({
        ...rowFields,
        committed: sql<boolean>`r.committed`,
        counter_value: sql<string | null>`r.counter_value`,
      })
      .from(
        sql`commit_reservation(${P.org}::uuid, ${P.a}::uuid, ${P.b}::bigint, ${P.c}::timestamptz,
          ${P.d}::timestamptz, ${P.e}::timestamptz) as r`,
      )
      .prepare("commit_reservation"),
};
type CallRow<K extends keyof typeof CALLS> = Awaited<ReturnType<ReturnType<(typeof CALLS)[K]>["execute"]>>[number];

/**
 * On the app's pool the calls are the procedures `reserve_usage_call` / `commit_reservation_call`
 * (drizzle/0017), with the parameters in P's order: they run the functions above in a
 * transaction of their own that releases the organization's lock (and counter rows) at COMMIT
 * without waiting for the WAL flush, then flush the WAL through it before answering. An answer
 * still means durable; the lock no longer covers the fdatasync. Sent to postgres.js itself, which
 * prepares them (named statements, one round trip), skipping drizzle's prepared-query wrapper
 * (its tracing spans, placeholder filling and row mapping: about a tenth of the CPU of a reserve
 * + commit pair). A procedure that commits cannot run in an open transaction, so transactions
 * (and PGlite, a single connection) use the drizzle statements above: there the caller's COMMIT
 * is the commit.
 */
const RAW: Record<keyof typeof CALLS, { text: string; params: (keyof typeof P)[] }> = {
  reserve: {
    text: `call reserve_usage_call($1::uuid, $2::usage_metric, $3::bigint, $4::text, $5::int, $6::bigint, $7::boolean,
      $8::timestamptz)`,
    params: ["org", "a", "b", "c", "d", "e", "f", "g"],
  },
  commit: {
    text: `call commit_reservation_call($1::uuid, $2::uuid, $3::bigint, $4::timestamptz, $5::timestamptz,
      $6::timestamptz)`,
    params: ["org", "a", "b", "c", "d", "e"],
  },
};
type PostgresJs = {
  unsafe(text: string, params: unknown[], opts: { prepare: boolean }): Promise<unknown[]>;
};

/** postgres.js under a pool handle made by db/connect.ts; undefined for PGlite and a transaction. */
function postgresJsOf(db: Queryable): PostgresJs | undefined {
  const client = (db as { $client?: Partial<PostgresJs> }).$client;
  return typeof client?.unsafe === "function" ? (client as PostgresJs) : undefined;
}

const preparedByHandle = new WeakMap<object, Map<string, PreparedCall<unknown>>>();
export function call<K extends keyof typeof CALLS>(db: Queryable, name: K, params: CallParams): Promise<CallRow<K>[]> {
  const client = postgresJsOf(db);
  if (client) {
    const raw = RAW[name];
    // A procedure answers one row of its INOUT parameters; all null (no id): no such reservation.
    return client
      .unsafe(
        raw.text,
        raw.params.map((p) => params[p] ?? null),
        { prepare: true },
      )
      .then((rows) => (rows as { id: string | null }[]).filter((r) => r.id !== null)) as Promise<CallRow<K>[]>;
  }
  let byName = preparedByHandle.get(db);
  if (!byName) preparedByHandle.set(db, (byName = new Map()));
  let prepared = byName.get(name);
  if (!prepared) byName.set(name, (prepared = CALLS[name](db) as unknown as PreparedCall<unknown>));
  return prepared.execute(params) as Promise<CallRow<K>[]>;
}
