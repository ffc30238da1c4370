import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import type { RunningEmulator } from "@agentbill/stripe-emulator";

const g = globalThis as unknown as { __stripeEmulator?: Promise<RunningEmulator | null> };

/**
 * With no Stripe key configured, run the local Stripe emulator inside this server process on
 * loopback, delivering signed webhooks to this app. Its state is kept in DATA_DIR so customers
 * and subscriptions survive restarts like the embedded database does. If another process
 * already serves the port (a second instance, a dev restart), that one is used.
 *
 * The emulator (packages/stripe-emulator) is loaded here, on demand: with a Stripe key the
 * server never loads its code.
 */
export function ensureLocalStripeEmulator(): Promise<RunningEmulator | null> {
  const e = env();
  if (!e.useStripeEmulator) return Promise.resolve(null);
  g.__stripeEmulator ??= (async () => {
    const appUrl = (e.appUrl ?? `http://127.0.0.1:${e.port ?? 3000}`).replace(/\/$/, "");
    const { startEmulator } = await import("@agentbill/stripe-emulator");
    try {
      const running = await startEmulator({
        port: e.stripeEmulatorPort,
        webhookSecret: e.stripeWebhookSecret,
        webhookUrl: `${appUrl}/api/webhooks/stripe`,
        dataFile: path.resolve(e.dataDir, `stripe-emulator-${e.stripeEmulatorPort}.json`),
        log: (msg) => {
          if (e.logLevel === "debug") console.log(`[stripe-emulator] ${msg}`);
        },
      });
      console.log(`Local Stripe emulator on ${running.url}, sending webhooks to ${appUrl}/api/webhooks/stripe`);
      return running;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
        console.log(`Stripe emulator port ${e.stripeEmulatorPort} is already in use: using the emulator found there.`);
        return null;
      }
      throw err;
    }
  })();
  return g.__stripeEmulator;
}
