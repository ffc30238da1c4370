import { getDatabase } from "@/db/client";
import { listenForApiKeyChanges } from "@/lib/auth/api-key-cache";
import { env, EnvError } from "@/lib/env";
import { installClientAddressStamp, TrustedProxies } from "@/lib/http/client-address";
import { startAppJobRunner } from "@/lib/jobs";
import { createStripeClient } from "@/lib/stripe/client";
import { ensureLocalStripeEmulator } from "@/lib/stripe/emulator-runtime";

/**
 * Node-runtime start-up: validate configuration (naming each bad variable), open the database,
 * start the local Stripe emulator when no key is set, make the demo organizations real
 * customers of that emulator, and start the scheduled jobs (lib/server/jobs.ts): the webhook
 * worker, reconciliation, period close and usage alerts.
 */
export function startServer(): Promise<void> {
  // Once per process: the custom server (server.ts) runs it before Next prepares, and Next's
  // instrumentation.ts calls it again from its own bundle; both get the same start-up.
  started.__serverStart ??= start();
  return started.__serverStart;
}

const started = globalThis as unknown as { __serverStart?: Promise<void> };

async function start(): Promise<void> {
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
  const { registerAppJobs } = await import("./jobs");
  registerAppJobs();
  startAppJobRunner(database);
  if (env().useStripeEmulator) await linkDemoData(database.db);
}

const g = globalThis as unknown as { __demoLink?: Promise<void> };

/**
 * Once per process: link the seeded paid demo organizations to subscriptions in the local
 * emulator (lib/billing/demo-link.ts). Never stops the app: a failure is one warning.
 */
function linkDemoData(db: Awaited<ReturnType<typeof getDatabase>>["db"]): Promise<void> {
  g.__demoLink ??= (async () => {
    try {
      const { linkDemoOrganizations } = await import("@/lib/billing/demo-link");
      // A client of its own, not getStripe()'s: that one is cached on globalThis for the whole
      // process, and should be made by the app's own code, not by this instrumentation bundle.
      const stripe = createStripeClient({ kind: "emulator", port: env().stripeEmulatorPort });
      await linkDemoOrganizations(db, stripe, { log: (line) => console.log(line), warn: (line) => console.warn(line) });
    } catch (err) {
      console.warn(
        `Demo data: linking the demo organizations to the local Stripe emulator failed (${err instanceof Error ? err.message : String(err)}). The app starts anyway.`,
      );
    }
  })();
  return g.__demoLink;
}
