import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/types";
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
 * event already stored changes nothing. One statement either way (plain SQL, prepared by the
 * driver: this is the receiver's whole cost besides the signature check). `rawBody`, the bytes
 * whose signature was checked, is stored as the payload as it is (not serialised again).
 */
export async function recordStripeEvent(
  db: Queryable,
  event: Stripe.Event,
  now = new Date(),
  rawBody?: string,
): Promise<RecordOutcome> {
  const handled = isHandledEventType(event.type);
  const at = now.toISOString();
  const inserted = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into stripe_events
        (id, type, stripe_created, object_id, livemode, payload, received_at, status, attempts, next_attempt_at, processed_at)
      values (${event.id}, ${event.type}, ${event.created}, ${objectIdOf(event)}, ${event.livemode},
        ${rawBody ?? JSON.stringify(event)}::jsonb, ${at}::timestamptz, ${handled ? "pending" : "ignored"}::stripe_event_status, 0,
        ${handled ? at : null}::timestamptz, ${handled ? null : at}::timestamptz)
      on conflict (id) do nothing
      returning id`),
  );
  if (inserted.length === 0) return "duplicate";
  return handled ? "queued" : "ignored";
}
