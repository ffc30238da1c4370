import "server-only";
import { count, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { stripeEvents } from "@/db/schema";
import type { Db, Queryable } from "@/db/types";
import { reasonSchema } from "@/lib/audit";
import { recordAudit, type UserActor } from "@/lib/audit";
import { AppError, isAppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { replayEvent, replayFailedEvents } from "@/lib/webhooks";

type ProcessOutcome = "processed" | "duplicate";

/**
 * Replaying stored Stripe events from the console and /api/admin/webhooks/**: the webhook
 * service does the work; each replay records one `webhook.replayed` audit row with the event
 * id(s), the outcome, the events' state before and after, and the reason, in the same
 * transaction as the replay (the service's own transactions nest in it as savepoints, so a
 * handler that fails again still rolls back alone and has its failure recorded).
 */

export const replaySchema = z.object({ reason: reasonSchema });
export type ReplayInput = z.input<typeof replaySchema>;
export type ReplayResult = { id: string; outcome: ProcessOutcome | "failed"; error?: string };

/** The stored events' state, for the audit row's before and after. */
async function eventStates(db: Queryable, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: stripeEvents.id, status: stripeEvents.status, attempts: stripeEvents.attempts })
    .from(stripeEvents)
    .where(inArray(stripeEvents.id, ids))
    .orderBy(stripeEvents.id);
}

/** Replay one failed or pending event. A handler that fails again is reported, not thrown. */
export async function adminReplayEvent(
  db: Db,
  stripe: Stripe,
  id: string,
  raw: ReplayInput | Record<string, unknown>,
  actor: UserActor,
): Promise<ReplayResult> {
  const { reason } = replaySchema.parse(raw);
  return db.transaction(async (tx) => {
    const [before] = await eventStates(tx, [id]);
    let result: ReplayResult;
    try {
      result = { id, outcome: await replayEvent(tx, stripe, id) };
    } catch (err) {
      // Not found / already processed: nothing was attempted, nothing to audit.
      if (isAppError(err) && (err.code === "not_found" || err.code === "conflict")) throw err;
      result = { id, outcome: "failed", error: err instanceof Error ? err.message : String(err) };
    }
    const [after] = await eventStates(tx, [id]);
    await recordAudit(tx, {
      actor,
      action: "webhook.replayed",
      targetType: "stripe_event",
      targetId: id,
      details: {
        eventIds: [id],
        outcome: result.outcome,
        ...(result.error ? { error: result.error } : {}),
        before: before ?? null,
        after: after ?? null,
        reason,
      },
    });
    return result;
  });
}

const REPLAY_LIMIT = 100;

/** Replay every failed event (oldest first, at most 100 a run). */
export async function adminReplayFailed(
  db: Db,
  stripe: Stripe,
  raw: ReplayInput | Record<string, unknown>,
  actor: UserActor,
): Promise<ReplayResult[]> {
  const { reason } = replaySchema.parse(raw);
  return db.transaction(async (tx) => {
    // The events the service picks (the oldest failed, up to its limit), before it changes them.
    const failed = await tx
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(eq(stripeEvents.status, "failed"))
      .orderBy(stripeEvents.stripeCreated)
      .limit(REPLAY_LIMIT);
    const before = await eventStates(
      tx,
      failed.map((f) => f.id),
    );
    const results = await replayFailedEvents(tx, stripe, REPLAY_LIMIT);
    if (results.length === 0) throw new AppError("conflict", "No failed events to replay.");
    const replayed = new Set(results.map((r) => r.id));
    await recordAudit(tx, {
      actor,
      action: "webhook.replayed",
      targetType: "stripe_event",
      targetId: null,
      details: {
        eventIds: results.map((r) => r.id),
        outcomes: results,
        before: before.filter((b) => replayed.has(b.id)),
        after: await eventStates(tx, [...replayed]),
        reason,
      },
    });
    return results;
  });
}

export function describeReplay(r: ReplayResult): string {
  return r.outcome === "failed"
    ? `Replay of ${r.id} failed again: ${r.error ?? "unknown error"}`
    : `Event ${r.id} replayed: ${r.outcome}.`;
}

export function describeReplays(results: ReplayResult[]): string {
  const failed = results.filter((r) => r.outcome === "failed");
  const ok = results.length - failed.length;
  return `Replayed ${results.length} failed event${results.length === 1 ? "" : "s"}: ${ok} succeeded, ${failed.length} failed again${failed.length ? ` (${failed.map((f) => f.id).join(", ")})` : ""}.`;
}

/** How many events are failed now (the "Replay all failed" card shows only when some are). */
export async function countFailedWebhookEvents(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(stripeEvents).where(eq(stripeEvents.status, "failed"));
  return Number(row?.n ?? 0);
}
