import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { openDatabase, type Database } from "./connect";
import type { Db } from "./types";

/**
 * The app's one database client per process: postgres.js when DATABASE_URL is set, otherwise
 * the embedded PGlite under DATA_DIR (created and migrated on first start; demo data, when on,
 * is the start-up's business: lib/server/startup.ts).
 * Cached on globalThis so dev hot reloads reuse it.
 */
const g = globalThis as unknown as { __appDatabase?: Promise<Database> };

async function init(): Promise<Database> {
  const e = env();
  const database = await openDatabase(
    e.databaseUrl ? { url: e.databaseUrl } : { pgliteDir: path.resolve(e.dataDir, "pglite") },
  );
  await database.migrate();
  return database;
}

export function getDatabase(): Promise<Database> {
  if (!g.__appDatabase) {
    g.__appDatabase = init().catch((err: unknown) => {
      g.__appDatabase = undefined;
      throw err;
    });
  }
  return g.__appDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Each opened client once its promise has settled (so that `readyDb` can answer without waiting). */
const opened = new WeakMap<Promise<Database>, Database>();

/**
 * The app's client when it is already open, without waiting (the API's hot path: no promise per
 * request); undefined before then, or when the process's client was just replaced: use getDb().
 */
export function readyDb(): Db | undefined {
  const current = g.__appDatabase;
  if (!current) return undefined;
  const database = opened.get(current);
  if (database) return database.db;
  current.then(
    (d) => void opened.set(current, d),
    () => {},
  );
  return undefined;
}

/**
 * Connections of the scheduled jobs' pool (getJobsDatabase). A running job holds one for its
 * lock's transaction the whole run and needs at least one more for its work, and all nine may
 * start at once (at start-up): fewer than two per job, and they can all wait for each other
 * forever. Twice the jobs, plus the webhook drain's parallel loops; idle ones are closed.
 */
export const JOBS_POOL_MAX = 24;
const JOBS_POOL_IDLE_SECONDS = 30;

const j = globalThis as unknown as { __jobsDatabase?: Promise<Database> };

/**
 * The scheduled jobs' own pool on PostgreSQL (the webhook worker, reconciliation, the outbox…),
 * so that their transactions, which hold a connection for a job's whole run or across a Stripe
 * call, never leave a request waiting for one of the app's. Same database, already migrated by
 * getDatabase(); on the embedded database (one process, one client) it is the app's own.
 */
export function getJobsDatabase(): Promise<Database> {
  if (!j.__jobsDatabase) {
    j.__jobsDatabase = (async () => {
      const app = await getDatabase();
      const url = env().databaseUrl;
      if (app.kind !== "postgres" || !url) return app;
      return openJobsPool(url);
    })().catch((err: unknown) => {
      j.__jobsDatabase = undefined;
      throw err;
    });
  }
  return j.__jobsDatabase;
}

/** The jobs' pool on PostgreSQL (already migrated): getJobsDatabase's, or the jobs thread's only one (lib/server/jobs-thread.ts). */
export function openJobsPool(url: string): Promise<Database> {
  return openDatabase({ url, max: JOBS_POOL_MAX, idleTimeoutSeconds: JOBS_POOL_IDLE_SECONDS });
}

/** Tests and tools: make this process's app client use a database opened elsewhere. */
export function setDatabaseForProcess(database: Database): void {
  g.__appDatabase = Promise.resolve(database);
  j.__jobsDatabase = Promise.resolve(database);
}
