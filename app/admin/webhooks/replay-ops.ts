import "server-only";
import { count, eq } from "drizzle-orm";
import { z } from "zod";
import { stripeEvents } from "@/db/schema";
import type { Db } from "@/db/types";
import { reasonSchema } from "@/lib/admin/reason";
import { recordAudit, type UserActor } from "@/lib/audit";
import { AppError, isAppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { replayEvent, replayFailedEvents, type ProcessOutcome } from "@/lib/webhooks";

/**
 * Replaying stored Stripe events from the console and /api/admin/webhooks/**: the webhook
 * service does the work; each replay records a `webhook.replayed` audit row with the event
 * id(s), the outcome and the reason.
 */

export const replaySchema = z.object({ reason: reasonSchema });
export type ReplayInput = z.input<typeof replaySchema>;
export type ReplayResult = { id: string; outcome: ProcessOutcome | "failed"; error?: string };

/** Replay one failed or pending event. A handler that fails again is reported, not thrown. */
export async function adminReplayEvent(ctx: { db: Db; stripe: Stripe }, id: string, raw: ReplayInput | Record<string, unknown>, actor: UserActor): Promise<ReplayResult> {
  const { reason } = replaySchema.parse(raw);
  let result: ReplayResult;
  try {
    result = { id, outcome: await replayEvent(ctx.db, ctx.stripe, id) };
  } catch (err) {
    // Not found / already processed: nothing was attempted, nothing to audit.
    if (isAppError(err) && (err.code === "not_found" || err.code === "conflict")) throw err;
    result = { id, outcome: "failed", error: err instanceof Error ? err.message : String(err) };
  }
  await recordAudit(ctx.db, {
    actor,
    action: "webhook.replayed",
    targetType: "stripe_event",
    targetId: id,
    details: { eventIds: [id], outcome: result.outcome, ...(result.error ? { error: result.error } : {}), reason },
  });
  return result;
}

/** Replay every failed event (oldest first, at most 100 a run). */
export async function adminReplayFailed(ctx: { db: Db; stripe: Stripe }, raw: ReplayInput | Record<string, unknown>, actor: UserActor): Promise<ReplayResult[]> {
  const { reason } = replaySchema.parse(raw);
  const results = await replayFailedEvents(ctx.db, ctx.stripe);
  if (results.length === 0) throw new AppError("conflict", "No failed events to replay.");
  await recordAudit(ctx.db, {
    actor,
    action: "webhook.replayed",
    targetType: "stripe_event",
    targetId: null,
    details: { eventIds: results.map((r) => r.id), outcomes: results, reason },
  });
  return results;
}

export function describeReplay(r: ReplayResult): string {
  return r.outcome === "failed" ? `Replay of ${r.id} failed again: ${r.error ?? "unknown error"}` : `Event ${r.id} replayed: ${r.outcome}.`;
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
