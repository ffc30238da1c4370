import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Core } from "./core/core";
import { Persistence } from "./core/store";
import { DEFAULT_RETRY_DELAYS_MS, WebhookQueue } from "./events/webhooks";
import { buildRouter } from "./routes";
import { RequestHandler } from "./server";

/**
 * A stateful local Stripe: the official `stripe` SDK talks to it as it would to api.stripe.com
 * (`new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`). See README.md.
 */
export interface EmulatorOptions {
  /** 0 = random free port; default 12111. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** `whsec_…` used to sign webhook deliveries. */
  webhookSecret: string;
  /** Where events are POSTed; can be set later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Optional JSON file that keeps the state across restarts. */
  dataFile?: string;
  /** Webhook retry back-off; default [1000, 5000, 30000, 120000, 600000]. */
  retryDelaysMs?: number[];
  log?: (msg: string) => void;
}

export interface RunningEmulator {
  port: number;
  /** e.g. http://127.0.0.1:12111 */
  url: string;
  setWebhookUrl(url: string | undefined): void;
  stop(): Promise<void>;
  /** Resolves when no webhook delivery is pending or in flight (for tests). */
  idle(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? "127.0.0.1";
  let webhookUrl = opts.webhookUrl;
  let persistence: Persistence | null = null;

  const webhooks = new WebhookQueue({
    secret: opts.webhookSecret,
    url: () => webhookUrl,
    retryDelaysMs: opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    log,
    onDelivered: (eventId) => {
      core.events.markDelivered(eventId);
      persistence?.schedule();
    },
  });
  const core = new Core({
    hasWebhookUrl: () => Boolean(webhookUrl),
    onCommit: (events, mutated) => {
      for (const event of events) if (event.pending_webhooks > 0) webhooks.enqueue(event);
      if (mutated || events.length > 0) persistence?.schedule();
    },
  });

  if (opts.dataFile) {
    persistence = new Persistence(
      opts.dataFile,
      () => ({ version: 1, state: core.store.state, events: core.events.all() }),
      log,
    );
    const data = persistence.load();
    if (data) {
      core.store.restore(data.state);
      core.events.load(data.events);
      log(`loaded state from ${opts.dataFile}`);
    }
  }

  const handler = new RequestHandler(core, buildRouter(), log);
  const server = createServer((req, res) => void handler.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 12111, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  core.baseUrl = url;
  log(`Stripe emulator listening on ${url}`);

  return {
    port,
    url,
    setWebhookUrl(next) {
      webhookUrl = next;
    },
    async stop() {
      webhooks.stop();
      persistence?.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    idle: () => webhooks.idle(),
  };
}

export { signPayload } from "./events/webhooks";
