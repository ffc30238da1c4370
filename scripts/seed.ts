import { seedDemo } from "../db/seed";
import { describeTarget, openAppDatabase } from "./db";

// On the embedded database, stop `npm run dev` first: PGlite takes no lock, and two processes
// writing one data folder corrupt it.
const started = Date.now();
const database = await openAppDatabase();
await seedDemo(database.db);
console.log(`Demo data seeded into ${describeTarget()} in ${Date.now() - started} ms.`);
// Stripe is not called here: the app links the paid demo organizations to the local Stripe
// emulator when it starts (lib/billing/demo-link.ts), after its emulator is running.
console.log(
  "Without STRIPE_SECRET_KEY, the app gives Acme, Initech and Hooli their subscriptions in the local Stripe emulator when it starts.",
);
await database.close();
