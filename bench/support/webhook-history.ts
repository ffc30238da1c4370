import type { Db } from "../../db/types";
import { ensureStripePrices } from "../../lib/billing/stripe-catalog";
import type { Stripe } from "../../lib/stripe/client";
import { makeScenario, SCENARIOS, type ChaosCase } from "../../tests/support/webhook-chaos";
import { pool } from "./harness";

/**
 * Real Stripe history for the webhook benches: `orgs` organizations walked through the chaos
 * scenarios in the emulator (4 at a time), and every event the emulator then lists, oldest first
 * as Stripe sends them.
 */
export async function buildWebhookHistory(
  db: Db,
  stripe: Stripe,
  orgs: number,
): Promise<{ cases: ChaosCase[]; events: Stripe.Event[] }> {
  await ensureStripePrices(db, stripe, "pro");
  const cases: ChaosCase[] = new Array(orgs);
  await pool(
    Array.from({ length: orgs }, (_, i) => i),
    4,
    async (i) => void (cases[i] = await makeScenario(db, stripe, SCENARIOS[i % SCENARIOS.length]!, i)),
  );
  const events: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) events.push(e);
  events.reverse();
  return { cases, events };
}
