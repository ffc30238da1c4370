import "server-only";
import { Stripe } from "@/lib/stripe/client";

/**
 * Re-read an object from Stripe so a handler writes the current state, whatever order events
 * arrive in. Only when Stripe no longer knows the object (resource_missing) does the event's
 * own copy stand in.
 */
export async function fresh<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "resource_missing") return fallback;
    throw err;
  }
}
