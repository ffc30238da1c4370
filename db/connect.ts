import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";
import type { Db } from "./types";

/**
 * Opening and migrating a database, with no app configuration: used by the app's client
 * (db/client.ts), the scripts and the tests alike.
 */

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "drizzle");

export type Database = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Apply pending migrations (safe to call from several processes at once on a server). */
  migrate(): Promise<void>;
  close(): Promise<void>;
};

export type OpenOptions =
  | { url: string; max?: number }
  /** A folder for a file-backed PGlite, or "memory://" for an in-memory one. */
  | { pgliteDir: string };

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ("url" in options) return openPostgres(options.url, options.max ?? 10);
  return openPglite(options.pgliteDir);
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, { max, onnotice: () => {}, prepare: true });
  const db = drizzlePostgres({ client, schema, casing: "snake_case" }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async migrate() {
      // One connection holds an advisory lock so that concurrent starts migrate once.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(727274)`;
        await migratePostgres(drizzlePostgres({ client: lockClient }), { migrationsFolder: MIGRATIONS_FOLDER });
        await lockClient`select pg_advisory_unlock(727274)`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string): Promise<Database> {
  if (!dir.startsWith("memory://")) fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  const pdb = drizzlePglite({ client, schema, casing: "snake_case" });
  return {
    db: pdb as unknown as Db,
    kind: "pglite",
    migrate: () => migratePglite(pdb, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}
