import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../index";

export { Stripe };

/** The package folder (packages/stripe-emulator). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WEBHOOK_SECRET = "whsec_emulator_test_secret";
export const API_KEY = "sk_test_emulator";

export function sdkFor(emu: RunningEmulator): Stripe {
  return new Stripe(API_KEY, {
    host: "127.0.0.1",
    port: emu.port,
    protocol: "http",
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries: 2,
  });
}

export async function startTestEmulator(opts: Partial<EmulatorOptions> = {}) {
  const emu = await startEmulator({ port: 0, webhookSecret: WEBHOOK_SECRET, ...opts });
  return { emu, stripe: sdkFor(emu) };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** A request without the SDK: exact bytes, headers and status. */
export async function raw(
  emu: RunningEmulator,
  method: string,
  pathAndQuery: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(`${emu.url}${pathAndQuery}`, {
    method,
    headers: {
      Authorization: `Bearer ${API_KEY}`,
      "Stripe-Version": Stripe.API_VERSION,
      ...(body !== undefined ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      ...headers,
    },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (pages)
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: Stripe.Event;
}

/** A local webhook endpoint that records deliveries; `respond` picks the status per delivery. */
export class WebhookSink {
  readonly deliveries: Delivery[] = [];
  respond: (delivery: Delivery, index: number) => number = () => 200;
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const delivery = { headers: req.headers, body, event: JSON.parse(body) as Stripe.Event };
        const status = this.respond(delivery, this.deliveries.length);
        this.deliveries.push(delivery);
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/webhook`;
    return this;
  }

  types(): string[] {
    return this.deliveries.map((d) => d.event.type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

/** Catalog + a customer with a default card: the usual starting point of billing tests. */
export async function seedCustomer(stripe: Stripe, opts: { card?: string; clock?: string; email?: string } = {}) {
  const product = await stripe.products.create({ name: "Pro" });
  const monthly = await stripe.prices.create({
    product: product.id,
    unit_amount: 2000,
    currency: "usd",
    recurring: { interval: "month" },
  });
  const annual = await stripe.prices.create({
    product: product.id,
    unit_amount: 20000,
    currency: "usd",
    recurring: { interval: "year" },
  });
  const card = opts.card ?? "pm_card_visa";
  const customer = await stripe.customers.create({
    email: opts.email ?? "owner@example.com",
    name: "Owner",
    test_clock: opts.clock,
    payment_method: card,
    invoice_settings: { default_payment_method: card },
  });
  return { product, monthly, annual, customer, pm: String(customer.invoice_settings.default_payment_method) };
}

export const DAY = 86_400;
