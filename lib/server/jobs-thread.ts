/**
 * The jobs thread (lib/jobs/thread.ts): its entry, bundled by scripts/build-server.mjs into
 * dist/jobs-thread.cjs and started by the main thread at start-up (lib/server/startup.ts) when
 * the database is PostgreSQL. It runs the scheduled jobs (lib/server/jobs.ts) with the process's
 * job runner, on the jobs' pool — the thread's only pool: getDb() answers it here too, and the
 * main thread does not open one. The database is already migrated by the main thread.
 *
 * Configuration as the main thread has it (server.ts): the mode, then the .env files, then
 * env()'s checks (production secrets included); a bad variable ends the thread with an error the
 * main thread logs. The Stripe client (getStripe()) and the mail transport come from the same
 * environment; the local emulator, when one runs, is the main thread's, reached over loopback.
 */
import { workerData } from "node:worker_threads";
import { loadEnvConfig } from "@next/env";

export type JobsThreadData = { dev: boolean; dir: string; shared: SharedArrayBuffer };

async function main(): Promise<void> {
  const data = workerData as JobsThreadData;
  // eslint-disable-next-line no-restricted-properties -- the mode must be set before lib/env reads it.
  (process.env as Record<string, string>).NODE_ENV = data.dev ? "development" : "production";
  loadEnvConfig(data.dir, data.dev, { info: () => {}, error: console.error });
  const { env } = await import("@/lib/env");
  const e = env();
  if (!e.databaseUrl) throw new Error("The jobs thread runs on PostgreSQL only (DATABASE_URL is not set).");
  const { adoptSharedMemory, lowerThisThreadsPriority, serveJobsThread, startAppJobRunner } =
    await import("@/lib/jobs");
  adoptSharedMemory(data.shared);
  lowerThisThreadsPriority();
  const { openJobsPool, setDatabaseForProcess } = await import("@/db/client");
  const database = await openJobsPool(e.databaseUrl);
  setDatabaseForProcess(database);
  const { registerAppJobs } = await import("./jobs");
  registerAppJobs();
  serveJobsThread(startAppJobRunner(database), () => database.close());
}

main().catch((err: unknown) => {
  // Thrown out of the thread: its "error" event in the main thread logs it and starts it again.
  setImmediate(() => {
    throw err;
  });
});
