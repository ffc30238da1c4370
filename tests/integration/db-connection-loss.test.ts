import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { APP_CONNECTION_NAME } from "@/db/connect";
import { rowsOf } from "@/db/types";
import { createTestDatabase, onRealPostgres } from "../support/db";

/**
 * Issue #13: dropping the app's database connections (pg_terminate_backend, a failover, a
 * restarted PostgreSQL) must never raise an uncaught exception, and requests must fail fast or
 * reconnect, not hang for CONNECT_TIMEOUT. postgres.js 3.4.9 had three bugs on this path (see
 * patches/postgres+3.4.9.patch): a query sent on a connection whose socket had closed crashed
 * the process from a setImmediate (`Cannot read properties of null (reading 'write')`), a write
 * buffered at the moment of the close poisoned the connection's next start-up (30 s
 * CONNECT_TIMEOUT), and a transaction's later queries could run on the reconnected session,
 * outside the transaction.
 */
const real = onRealPostgres();

let database: Database & { url: string | null };
let admin: postgres.Sql;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  if (!real) return;
  process.on("uncaughtException", onUncaught);
  database = await createTestDatabase({ max: 4 });
  await database.db.execute(sql`create table conn_loss (id serial primary key, note text not null)`);
  admin = postgres(database.url!, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await admin?.end({ timeout: 5 });
  await database?.close();
});

/** Terminate every backend the app's pool holds on this database (not the admin's own). */
async function dropAppConnections(): Promise<number> {
  const rows = await admin<{ n: number }[]>`
    select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
    where datname = current_database() and application_name = ${APP_CONNECTION_NAME} and pid <> pg_backend_pid()`;
  return rows[0]!.n;
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    () => "ok",
    (e: { code?: string; message?: string }) => e.code ?? e.message ?? "error",
  );

describe.skipIf(!real)("a dropped database connection", () => {
  it("fails the requests in flight fast, raises nothing uncaught, and the next requests succeed", async () => {
    const db = database.db;
    for (let round = 0; round < 3; round++) {
      const started = Date.now();
      const inFlight = Array.from({ length: 8 }, (_, i) =>
        settle(
          db.transaction(async (tx) => {
            await tx.execute(sql`select pg_sleep(0.3)`);
            await tx.execute(sql`insert into conn_loss (note) values (${`round ${round} request ${i}`})`);
          }),
        ),
      );
      await new Promise((r) => setTimeout(r, 80));
      expect(await dropAppConnections()).toBeGreaterThan(0);
      const outcomes = await Promise.all(inFlight);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(outcomes.some((o) => o !== "ok")).toBe(true);

      const after = Date.now();
      const [row] = rowsOf<{ one: number }>(await db.execute(sql`select 1 as one`));
      expect(row!.one).toBe(1);
      expect(Date.now() - after).toBeLessThan(3_000);
      // Every connection of the pool works again (none left poisoned).
      const all = await Promise.all(
        Array.from({ length: 8 }, () => db.transaction(async (tx) => tx.execute(sql`select pg_sleep(0.05)`))),
      );
      expect(all).toHaveLength(8);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(uncaught).toEqual([]);
  });

  it("a transaction whose connection died never runs its later statements outside the transaction", async () => {
    const db = database.db;
    const marker = `after-drop-${Date.now()}`;
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    const tx = settle(
      db.transaction(async (t) => {
        await t.execute(sql`select 1`);
        await paused; // e.g. waiting for Stripe while the connection is dropped
        await t.execute(sql`insert into conn_loss (note) values (${marker})`);
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    await dropAppConnections();
    await new Promise((r) => setTimeout(r, 50));
    // The pool reconnects every connection for other work meanwhile (that of the transaction too).
    const others = await Promise.all(Array.from({ length: 8 }, () => settle(db.execute(sql`select pg_sleep(0.05)`))));
    expect(others.filter((o) => o === "ok").length).toBeGreaterThan(0);
    resume();
    expect(await tx).not.toBe("ok");
    await new Promise((r) => setTimeout(r, 100));
    const [found] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from conn_loss where note = ${marker}`),
    );
    expect(found!.n).toBe(0);
    expect(uncaught).toEqual([]);
  });
});
