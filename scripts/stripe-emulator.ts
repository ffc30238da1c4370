/**
 * Runs the local Stripe emulator on its own:
 *
 *   npx tsx scripts/stripe-emulator.ts [port] [--webhook-url=URL | --no-webhooks] [--data-file=PATH | --no-data-file] [--host=HOST]
 *
 * Port: first argument, else STRIPE_EMULATOR_PORT, else 12111. Webhooks are signed with
 * STRIPE_WEBHOOK_SECRET (the dev default when unset) and POSTed to --webhook-url, else
 * STRIPE_EMULATOR_WEBHOOK_URL, else <APP_URL or http://localhost:3000>/api/webhooks/stripe;
 * --no-webhooks only records events (GET /v1/events).
 * State is kept in <DATA_DIR>/stripe-emulator.json unless --no-data-file.
 */
import path from "node:path";
import { env } from "../lib/env";
import { startEmulator } from "@agentbill/stripe-emulator";

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const config = env();
  const positional = process.argv.slice(2).find((a) => !a.startsWith("--"));
  const port = positional !== undefined ? Number(positional) : config.stripeEmulatorPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${positional ?? ""}`);
  const dataFile = process.argv.includes("--no-data-file")
    ? undefined
    : (flag("data-file") ?? path.join(config.dataDir, "stripe-emulator.json"));

  const webhookUrl = process.argv.includes("--no-webhooks")
    ? undefined
    : (flag("webhook-url") ??
      process.env.STRIPE_EMULATOR_WEBHOOK_URL ??
      new URL("/api/webhooks/stripe", config.appUrl ?? "http://localhost:3000").toString());

  const emulator = await startEmulator({
    port,
    host: flag("host"),
    webhookSecret: config.stripeWebhookSecret,
    webhookUrl,
    dataFile,
    log: (msg) => console.log(`[stripe-emulator] ${msg}`),
  });
  console.log(
    `[stripe-emulator] ready at ${emulator.url}; webhooks → ${webhookUrl ?? "(none)"}${dataFile ? `; state: ${dataFile}` : ""}`,
  );

  const shutdown = async () => {
    await emulator.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
