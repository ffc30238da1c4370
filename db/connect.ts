import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { syncPlanCatalog } from "@/lib/plans/sync";
import * as schema from "./schema";
import type { Db } from "./types";

/**
 * Opening and migrating a database, with no app configuration: used by the app's client
 * (db/client.ts), the scripts and the tests alike.
 */

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "drizzle");

/** `application_name` of the app's pool: what operators (and the connection-loss test) look for in pg_stat_activity. */
export const APP_CONNECTION_NAME = "agentbill";

/**
 * Connection loss (a failover, pg_terminate_backend, a restarted server) costs the requests in
 * flight one error each, never the process: postgres.js 3.4.9 is patched for the three bugs it
 * had on that path (patches/postgres+3.4.9.patch, applied by `npm install`), and connecting
 * gives up after CONNECT_TIMEOUT_SECONDS.
 */
export const CONNECT_TIMEOUT_SECONDS = 5;

export type Database = {
  db: Db;
  kind: "postgres" | "pglite";
  /**
   * Apply pending migrations, then sync the plan catalog (lib/plans/sync.ts) into `plans`:
   * every environment, every start, idempotent. Safe to call from several processes at once on a server.
   */
  migrate(): Promise<void>;
  /**
   * LISTEN on a channel: `onMessage` for each NOTIFY, `onListen` each time the listening
   * connection is (re)established. Answers a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenOptions =
  /** `idleTimeoutSeconds`: close a connection idle that long (default: keep it). */
  | { url: string; max?: number; idleTimeoutSeconds?: number }
  /** A folder for a file-backed PGlite, or "memory://" for an in-memory one. */
  | { pgliteDir: string };

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ("url" in options) return openPostgres(options.url, options.max ?? 10, options.idleTimeoutSeconds);
  return openPglite(options.pgliteDir);
}

function openPostgres(url: string, max: number, idleTimeoutSeconds?: number): Database {
  const client = postgres(url, {
    max,
    ...(idleTimeoutSeconds ? { idle_timeout: idleTimeoutSeconds } : {}),
    onnotice: () => {},
    prepare: true,
    // A lost server fails a request within seconds instead of postgres.js's default 30 s.
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    connection: { application_name: APP_CONNECTION_NAME },
  });
  const db = drizzlePostgres({ client: preparedByDefault(client), schema, casing: "snake_case" }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async migrate() {
      // One connection holds an advisory lock so that concurrent starts migrate once.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(727274)`;
        await migratePostgres(drizzlePostgres({ client: lockClient }), { migrationsFolder: MIGRATIONS_FOLDER });
        await syncPlanCatalog(drizzlePostgres({ client: lockClient, schema, casing: "snake_case" }) as unknown as Db);
        await lockClient`select pg_advisory_unlock(727274)`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    async listen(channel, onMessage, onListen) {
      const sub = await client.listen(channel, (payload) => onMessage(payload), onListen);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Most parameters a query may have to run as a prepared statement by default (preparedByDefault). */
export const PREPARE_MAX_PARAMS = 32;

type UnsafeOptions = { prepare?: boolean } & Record<string, unknown>;
type Unsafe = (query: string, params?: unknown[], options?: UnsafeOptions) => unknown;
type Scoped = (...args: unknown[]) => unknown;

/**
 * drizzle runs every query it builds unprepared (`prepare: false` unless the query was given a
 * name), and postgres.js then describes a query with parameters before every execution: two
 * round trips (and two socket writes and event-loop turns) instead of one. This hands drizzle a
 * client (and, in its transactions and savepoints, a transaction client) on which such a query
 * is prepared once per connection and then runs in one round trip. Only queries with at most
 * PREPARE_MAX_PARAMS parameters: a multi-row insert or a long `in (…)` list makes a new text per
 * size, and those stay unprepared, so the statements a connection keeps stay few.
 */
function preparedByDefault<T extends object>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (prop === "unsafe") {
        const unsafe = value as Unsafe;
        return (query: string, params?: unknown[], options?: UnsafeOptions) =>
          unsafe(
            query,
            params,
            options?.prepare === false && params && params.length > 0 && params.length <= PREPARE_MAX_PARAMS
              ? { ...options, prepare: true }
              : options,
          );
      }
      if (prop === "begin" || prop === "savepoint") {
        const scoped = value as Scoped;
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: object) => unknown;
          return scoped(...args, (tx: object) => fn(preparedByDefault(tx)));
        };
      }
      return value;
    },
  });
}

async function openPglite(dir: string): Promise<Database> {
  if (!dir.startsWith("memory://")) fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  const pdb = drizzlePglite({ client, schema, casing: "snake_case" });
  return {
    db: pdb as unknown as Db,
    kind: "pglite",
    async migrate() {
      await migratePglite(pdb, { migrationsFolder: MIGRATIONS_FOLDER });
      await syncPlanCatalog(pdb as unknown as Db);
    },
    async listen(channel, onMessage, onListen) {
      const unsubscribe = await client.listen(channel, (payload) => onMessage(payload));
      onListen?.();
      return unsubscribe;
    },
    close: () => client.close(),
  };
}
