import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";

export { Stripe };

/** The key the emulator accepts; it is not a secret. */
export const EMULATOR_SECRET_KEY = "sk_test_local_emulator";

export type StripeTarget = { kind: "stripe"; secretKey: string } | { kind: "emulator"; port: number; host?: string };

/** One client per target: pinned API version, app info, retries with Stripe's idempotency. */
export function createStripeClient(target: StripeTarget): Stripe {
  const common = {
    apiVersion: Stripe.API_VERSION,
    appInfo: { name: "AgentBill", version: "0.1.0" },
    maxNetworkRetries: 2,
    timeout: 15_000,
  } as const;
  if (target.kind === "stripe") return new Stripe(target.secretKey, common);
  return new Stripe(EMULATOR_SECRET_KEY, {
    ...common,
    host: target.host ?? "127.0.0.1",
    port: target.port,
    protocol: "http",
  });
}

const g = globalThis as unknown as { __stripeClient?: Stripe };

/** The app's client: Stripe itself with STRIPE_SECRET_KEY, else the local emulator. */
export function getStripe(): Stripe {
  if (!g.__stripeClient) {
    const e = env();
    g.__stripeClient = createStripeClient(
      e.stripeSecretKey
        ? { kind: "stripe", secretKey: e.stripeSecretKey }
        : { kind: "emulator", port: e.stripeEmulatorPort },
    );
  }
  return g.__stripeClient;
}

/** For tests and tools that point the app's services at another emulator instance. */
export function setStripeClientForProcess(client: Stripe): void {
  g.__stripeClient = client;
}
