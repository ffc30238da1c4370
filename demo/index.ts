import type { Database } from "@/db/connect";
import type { Stripe } from "@/lib/stripe/client";
import { DEMO_ADMIN, DEMO_API_KEY, DEMO_PASSWORD } from "./data";
import { linkDemoOrganizations } from "./link";
import { seedDemoIfEmpty } from "./seed";

/**
 * The demo, apart from the product. The app reaches it only through lib/server/demo.ts (one
 * dynamic import, when demo data is on: development, or SEED_DEMO=1); `npm run db:seed` through
 * scripts/seed.ts. Nothing in app/, lib/ or db/ imports this folder (eslint: no-restricted-imports).
 */

export { DEMO_ADMIN, DEMO_API_KEY, DEMO_ORGS, DEMO_PASSWORD, SEEDED_INVOICE_MEMO, type DemoOrg } from "./data";
export { demoCreatedAt, paidPeriod } from "./history";
export { seedDemo, seedDemoIfEmpty } from "./seed";
export { DEMO_LINK_ACTOR, linkDemoOrganizations, type DemoLinkResult } from "./link";
export { loginDemoAccounts, type DemoAccount } from "./accounts";

/** Said loudly when demo data is on in production: its password and key are public. */
export function demoProductionWarning(how: string): string {
  return [
    `WARNING: demo data is on in production (${how}).`,
    `Anyone can sign in as ${DEMO_ADMIN.email} (platform admin) or any demo account with the password "${DEMO_PASSWORD}",`,
    `and call the API as Acme with the key ${DEMO_API_KEY}. Never do this on a deployment with real customers.`,
  ].join("\n");
}

type Log = { log: (line: string) => void; warn: (line: string) => void };

/**
 * At start-up, with demo data on: seed an empty embedded database (a server database is seeded
 * with `npm run db:seed`), then make the paid demo organizations real customers of the local
 * Stripe emulator (`stripe`: its client, or null with a real Stripe key). Never stops the app:
 * a failure is one warning.
 */
export async function startDemo(database: Database, stripe: Stripe | null, out: Log): Promise<void> {
  try {
    if (database.kind === "pglite" && (await seedDemoIfEmpty(database.db)))
      out.log("Demo data: seeded the embedded database.");
  } catch (err) {
    out.warn(`Demo data: seeding failed (${err instanceof Error ? err.message : String(err)}). The app starts anyway.`);
    return;
  }
  if (!stripe) return;
  try {
    await linkDemoOrganizations(database.db, stripe, out);
  } catch (err) {
    out.warn(
      `Demo data: linking the demo organizations to the local Stripe emulator failed (${err instanceof Error ? err.message : String(err)}). The app starts anyway.`,
    );
  }
}
