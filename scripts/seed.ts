import { demoProductionWarning, seedDemo } from "../demo";
import { env } from "../lib/env";
import { describeTarget, openAppDatabase } from "./db";

/**
 * `npm run db:seed`: demo data (demo/). In development it seeds; anywhere else only when asked
 * (`npm run db:seed -- --demo`, or SEED_DEMO=1), and production then prints who can sign in with
 * the public demo password and key. The plan catalog needs no seed: `npm run db:migrate` writes it.
 *
 * On the embedded database, stop `npm run dev` first: PGlite takes no lock, and two processes
 * writing one data folder corrupt it.
 */
const asked = process.argv.includes("--demo");
const e = env();
if (!e.demo && !asked) {
  console.error(
    `Demo data is not seeded with NODE_ENV=${e.nodeEnv}${process.env.SEED_DEMO ? ` and SEED_DEMO=${process.env.SEED_DEMO}` : ""}: ` +
      "its password and API key are public. Run `npm run db:seed -- --demo` (or set SEED_DEMO=1) to seed it anyway.",
  );
  process.exit(2);
}
if (e.nodeEnv === "production") console.warn(`\n${demoProductionWarning(asked ? "--demo" : "SEED_DEMO=1")}\n`);

const started = Date.now();
const database = await openAppDatabase();
await seedDemo(database.db);
console.log(`Demo data seeded into ${describeTarget()} in ${Date.now() - started} ms.`);
// Stripe is not called here: the app links the paid demo organizations to the local Stripe
// emulator when it starts with demo data on (demo/link.ts), after its emulator is running.
console.log(
  "Without STRIPE_SECRET_KEY, and with demo data on (development, or SEED_DEMO=1), the app gives Acme, Initech and Hooli their subscriptions in the local Stripe emulator when it starts.",
);
await database.close();
