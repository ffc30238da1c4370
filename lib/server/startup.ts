import fs from "node:fs";
import { getDatabase, getJobsDatabase } from "@/db/client";
import { listenForApiKeyChanges } from "@/lib/auth/api-key-cache";
import { env, EnvError } from "@/lib/env";
import { installClientAddressStamp, TrustedProxies } from "@/lib/http/client-address";
import { installAppJobRunner, sharedMemory, startAppJobRunner, startJobsThread, stopAppJobRunner } from "@/lib/jobs";
import { createStripeClient } from "@/lib/stripe/client";
import { ensureLocalStripeEmulator } from "@/lib/stripe/emulator-runtime";
import { loadDemo } from "./demo";

/**
 * Node-runtime start-up: validate configuration (naming each bad variable), open the database,
 * start the local Stripe emulator when no key is set, with demo data on seed it and make the
 * demo organizations real customers of that emulator, and start the scheduled jobs (lib/server/jobs.ts): the webhook
 * worker, reconciliation, period close and usage alerts.
 */
export function startServer(opts: ServerOptions = {}): Promise<void> {
  // Once per process: the custom server (server.ts) runs it before Next prepares, and Next's
  // instrumentation.ts calls it again from its own bundle; both get the same start-up.
  started.__serverStart ??= start(opts);
  return started.__serverStart;
}

export type ServerOptions = {
  /**
   * The jobs thread's entry (dist/jobs-thread.cjs, next to the custom server's bundle) and how
   * this process was started. Without it (Next's own `next start` / `next dev` through
   * instrumentation.ts) the jobs run in the main thread.
   */
  jobsThread?: { entry: string; dev: boolean; dir: string };
};

/** SIGTERM: stop the scheduled jobs (the thread, or the runner here), their work in hand finished. */
export async function stopServer(): Promise<void> {
  await stopAppJobRunner();
}

const started = globalThis as unknown as { __serverStart?: Promise<void> };

async function start(opts: ServerOptions): Promise<void> {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`\n${err.message}\nFix these variables (see README.md, Configuration) and start again.\n`);
      process.exit(1);
    }
    throw err;
  }
  // Before the first request: who is calling is the TCP peer unless it is one of our proxies.
  installClientAddressStamp(new TrustedProxies(env().trustedProxies));
  const database = await getDatabase();
  // Revoked keys and suspended organizations are refused at once, on every instance.
  await listenForApiKeyChanges(database);
  await ensureLocalStripeEmulator();
  await startDemoData(database);
  // Registered here too, where they run elsewhere: health lists the registered jobs.
  const { registerAppJobs } = await import("./jobs");
  registerAppJobs();
  await startJobs(database, opts.jobsThread);
}

/**
 * On PostgreSQL the scheduled jobs run in a thread of their own (lib/jobs/thread.ts,
 * lib/server/jobs-thread.ts): their JavaScript, the webhook worker's above all, stays off the
 * event loop that answers requests. On the embedded database they run here: one PGlite per
 * process, which another thread cannot open. Either way on the jobs' own pool: a webhook drain
 * holds several connections, requests never wait for them (the thread opens it, this thread not).
 */
async function startJobs(database: Awaited<ReturnType<typeof getDatabase>>, thread: ServerOptions["jobsThread"]) {
  if (database.kind === "postgres" && thread && fs.existsSync(thread.entry)) {
    installAppJobRunner(
      startJobsThread({
        entry: thread.entry,
        workerData: { dev: thread.dev, dir: thread.dir, shared: sharedMemory() },
      }),
    );
    console.log("Scheduled jobs: in a thread of their own (PostgreSQL).");
    return;
  }
  startAppJobRunner(await getJobsDatabase());
  console.log(
    `Scheduled jobs: in the main thread (${database.kind === "pglite" ? "embedded database: one PGlite per process" : "no jobs thread entry"}).`,
  );
}

const g = globalThis as unknown as { __demoStart?: Promise<void> };

/**
 * Once per process, with demo data on (development, or SEED_DEMO=1): seed an empty embedded
 * database and link the paid demo organizations to the local emulator (demo/index.ts), loaded
 * through lib/server/demo.ts. Production with the flag says loudly that the demo's password
 * and key are public. Never stops the app.
 */
function startDemoData(database: Awaited<ReturnType<typeof getDatabase>>): Promise<void> {
  g.__demoStart ??= (async () => {
    const demo = await loadDemo();
    if (!demo) return;
    if (env().nodeEnv === "production") console.warn(`\n${demo.demoProductionWarning("SEED_DEMO=1")}\n`);
    // A client of its own, not getStripe()'s: that one is cached on globalThis for the whole
    // process, and should be made by the app's own code, not by this instrumentation bundle.
    const stripe = env().useStripeEmulator
      ? createStripeClient({ kind: "emulator", port: env().stripeEmulatorPort })
      : null;
    await demo.startDemo(database, stripe, { log: (line) => console.log(line), warn: (line) => console.warn(line) });
  })();
  return g.__demoStart;
}
