import "server-only";
import { stripeEvents } from "@/db/schema";
import type { Queryable } from "@/db/types";
import type { Stripe } from "@/lib/stripe/client";
import { isHandledEventType } from "./handlers";

export type RecordOutcome = "queued" | "ignored" | "duplicate";

function objectIdOf(event: Stripe.Event): string | null {
  const id = (event.data.object as { id?: unknown }).id;
  return typeof id === "string" ? id : null;
}

/**
 * Store a verified event durably, once: an event type we act on as `pending` for the worker
 * (due now), any other type as `ignored` at once, without a worker pass. A redelivery of an
 * event already stored changes nothing. One statement either way.
 */
export async function recordStripeEvent(db: Queryable, event: Stripe.Event, now = new Date()): Promise<RecordOutcome> {
  const handled = isHandledEventType(event.type);
  const inserted = await db
    .insert(stripeEvents)
    .values({
      id: event.id,
      type: event.type,
      stripeCreated: event.created,
      objectId: objectIdOf(event),
      livemode: event.livemode,
      payload: event as unknown as Record<string, unknown>,
      receivedAt: now,
      ...(handled
        ? { status: "pending" as const, attempts: 0, nextAttemptAt: now }
        : { status: "ignored" as const, attempts: 0, processedAt: now }),
    })
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  if (inserted.length === 0) return "duplicate";
  return handled ? "queued" : "ignored";
}
