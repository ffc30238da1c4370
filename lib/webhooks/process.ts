import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { stripeEvents } from "@/db/schema";
import type { Db } from "@/db/types";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { dispatch, isHandledEventType } from "./handlers";

export type ProcessOutcome = "processed" | "duplicate" | "ignored";

function objectIdOf(event: Stripe.Event): string | null {
  const obj = event.data?.object as { id?: unknown } | undefined;
  return typeof obj?.id === "string" ? obj.id : null;
}

/**
 * Apply a verified Stripe event exactly once. The event row is inserted in the same
 * transaction as the handler's writes: a duplicate delivery finds it and changes nothing; a
 * handler that throws rolls everything back, then the failure (attempts, last error) is
 * recorded on its own and the error rethrown so the route answers 500 and Stripe retries.
 *
 * Stripe redelivers a lot, and sends many event types we don't act on; both cost one
 * statement: a redelivery of an event already done is one indexed read, and an event type we
 * don't handle is recorded as ignored by one insert.
 */
export async function processEvent(
  db: Db,
  stripe: Stripe,
  event: Stripe.Event,
  now = new Date(),
): Promise<ProcessOutcome> {
  const handled = isHandledEventType(event.type);
  const row = {
    id: event.id,
    type: event.type,
    stripeCreated: event.created,
    objectId: objectIdOf(event),
    livemode: event.livemode,
    payload: event as unknown as Record<string, unknown>,
  };
  if (!handled) {
    const recorded = await db
      .insert(stripeEvents)
      .values({ ...row, status: "ignored", attempts: 1, processedAt: now })
      .onConflictDoUpdate({
        target: stripeEvents.id,
        set: { status: "ignored", processedAt: now, lastError: null, attempts: sql`${stripeEvents.attempts} + 1` },
        where: inArray(stripeEvents.status, ["pending", "failed"]),
      })
      .returning({ id: stripeEvents.id });
    return recorded.length > 0 ? "ignored" : "duplicate";
  }
  const [seen] = await db
    .select({ status: stripeEvents.status })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, event.id));
  if (seen?.status === "processed" || seen?.status === "ignored") return "duplicate";
  try {
    return await db.transaction(async (tx) => {
      // Written as processed up front: if the handler throws, the whole transaction is undone.
      const inserted = await tx
        .insert(stripeEvents)
        .values({ ...row, status: "processed", attempts: 1, processedAt: now })
        .onConflictDoNothing({ target: stripeEvents.id })
        .returning({ id: stripeEvents.id });
      if (inserted.length === 0) {
        // Recorded meanwhile (a concurrent delivery), or a retry of one that failed: take it, once.
        const [prior] = await tx
          .select({ status: stripeEvents.status })
          .from(stripeEvents)
          .where(eq(stripeEvents.id, event.id))
          .for("update");
        if (!prior || prior.status === "processed" || prior.status === "ignored") return "duplicate";
        await tx
          .update(stripeEvents)
          .set({ status: "processed", processedAt: now, lastError: null, attempts: sql`${stripeEvents.attempts} + 1` })
          .where(eq(stripeEvents.id, event.id));
      }
      await dispatch({ tx, stripe, now }, event);
      return "processed" as const;
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db
      .insert(stripeEvents)
      .values({ ...row, status: "failed", attempts: 1, lastError: message.slice(0, 2000) })
      .onConflictDoUpdate({
        target: stripeEvents.id,
        set: { status: "failed", attempts: sql`${stripeEvents.attempts} + 1`, lastError: message.slice(0, 2000) },
        where: inArray(stripeEvents.status, ["pending", "failed"]),
      });
    throw err;
  }
}

/** Process a stored event again (admin console): for failed or pending events. */
export async function replayEvent(db: Db, stripe: Stripe, id: string): Promise<ProcessOutcome> {
  const [row] = await db
    .select({ payload: stripeEvents.payload, status: stripeEvents.status })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, id));
  if (!row) throw new AppError("not_found", `No stored event ${id}.`);
  if (row.status === "processed" || row.status === "ignored") {
    throw new AppError("conflict", `Event ${id} was already ${row.status}; replaying it would change nothing.`);
  }
  return processEvent(db, stripe, row.payload as unknown as Stripe.Event);
}

/** Replay every failed event, oldest first. */
export async function replayFailedEvents(
  db: Db,
  stripe: Stripe,
  limit = 100,
): Promise<{ id: string; outcome: ProcessOutcome | "failed"; error?: string }[]> {
  const rows = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(and(eq(stripeEvents.status, "failed")))
    .orderBy(stripeEvents.stripeCreated)
    .limit(limit);
  const out: { id: string; outcome: ProcessOutcome | "failed"; error?: string }[] = [];
  for (const { id } of rows) {
    try {
      out.push({ id, outcome: await replayEvent(db, stripe, id) });
    } catch (err) {
      out.push({ id, outcome: "failed", error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
