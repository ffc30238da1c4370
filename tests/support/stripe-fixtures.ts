import fs from "node:fs";
import path from "node:path";
import type { Stripe } from "@/lib/stripe/client";

/** Stripe's own fixture objects and event payloads (packages/stripe-emulator/tests/fixtures/stripe; provenance in its README). */
export const STRIPE_FIXTURES_DIR = path.resolve(process.cwd(), "packages/stripe-emulator/tests/fixtures/stripe");

export const FIXTURE_IDS = {
  customer: "cus_QXg1o8vcGmoR32",
  subscription: "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw",
  price: "price_1PgafmB7WZ01zgkW6dKueIc5",
  invoice: "in_1Pgc6tB7WZ01zgkWu9fdqL6I",
  renewalInvoice: "in_1Pgce8aFDfFLIsSozq5Y8ySZ",
  paymentMethod: "pm_1Pgc75B7WZ01zgkWlHVgdEGJ",
};

export function fixtureEventRaw(type: string): string {
  return fs.readFileSync(path.join(STRIPE_FIXTURES_DIR, "events", `${type}.json`), "utf8");
}

export function fixtureEvent(type: string): Stripe.Event {
  return JSON.parse(fixtureEventRaw(type)) as Stripe.Event;
}

export const ALL_FIXTURE_EVENT_TYPES = fs
  .readdirSync(path.join(STRIPE_FIXTURES_DIR, "events"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""));
