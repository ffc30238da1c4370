/**
 * The local Stripe emulator in a process of its own, for benches that must not share an event
 * loop with it (the app's worker re-reads objects from it while the bench is sending): webhooks
 * off, state in memory. PORT and STRIPE_WEBHOOK_SECRET from the environment; prints "listening".
 */
import { startEmulator } from "@agentbill/stripe-emulator";

const emulator = await startEmulator({
  port: Number(process.env.PORT ?? 0),
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_bench",
});
console.log(`listening ${emulator.port}`);
process.on("SIGTERM", () => void emulator.stop().then(() => process.exit(0)));
