import { getDatabase } from "@/db/client";
import { env, EnvError } from "@/lib/env";
import { ensureLocalStripeEmulator } from "@/lib/stripe/emulator-runtime";

/** Node-runtime start-up: validate configuration (naming each bad variable), open the database, start the local Stripe emulator when no key is set. */
export async function startServer(): Promise<void> {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`\n${err.message}\nFix these variables (see README.md, Configuration) and start again.\n`);
      process.exit(1);
    }
    throw err;
  }
  await getDatabase();
  await ensureLocalStripeEmulator();
}
