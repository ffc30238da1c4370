import "server-only";
import { getDb } from "@/db/client";
import type { Db } from "@/db/types";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { describeFailure, kickJob, sharedCounter } from "@/lib/jobs";
import { verifyStripeWebhook } from "@/lib/stripe/webhooks";
import { recordStripeEventGrouped } from "./record";
import { WEBHOOK_JOB } from "./worker";

export type WebhookReceipt = { status: number; body: Record<string, unknown> };

// Shared with the jobs thread (lib/jobs/shared.ts), where the worker reads it.
const inFlight = sharedCounter("webhooks.deliveries_in_flight");
/** Deliveries this process is storing right now: while there are some, the worker gives way (lib/server/jobs.ts). */
export function webhookDeliveriesInFlight(): number {
  return inFlight.get();
}

/**
 * Stripe → us, acknowledged first (as Stripe recommends): verify the signature over the raw
 * body (400 when missing, forged or stale), store the event durably in stripe_events (pending
 * for the worker; a type we don't act on is recorded as ignored right here) and answer 200 at
 * once. Concurrent deliveries are stored together (group commit: one statement and one commit
 * for all that arrived while the previous one was written), each answered after its commit. The worker (lib/jobs, job "stripe.webhooks") applies it through lib/billing. Only a
 * failure to store it answers 500, so Stripe delivers it again. Whatever serves HTTP calls
 * exactly this function and sends back `status` and `body` as JSON.
 */
export async function receiveStripeWebhook(
  rawBody: string,
  signatureHeader: string | null,
  deps: { db?: Db; secret?: string; now?: Date } = {},
): Promise<WebhookReceipt> {
  const secret = deps.secret ?? env().stripeWebhookSecret;
  if (!secret) {
    console.error("[webhooks] STRIPE_WEBHOOK_SECRET is not set: refusing to process Stripe events.");
    return { status: 500, body: { error: { code: "internal", message: "Webhook secret not configured." } } };
  }
  let event;
  try {
    event = verifyStripeWebhook(rawBody, signatureHeader, secret);
  } catch (err) {
    if (isAppError(err)) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
    throw err;
  }
  inFlight.add(1);
  try {
    const outcome = await recordStripeEventGrouped(deps.db ?? (await getDb()), event, rawBody, deps.now);
    if (outcome === "queued") kickJob(WEBHOOK_JOB);
    return { status: 200, body: { received: true, outcome } };
  } catch (err) {
    console.error(`[webhooks] could not store ${event.type} ${event.id}: ${describeFailure(err).message}`);
    return {
      status: 500,
      body: {
        error: { code: "storage_failed", message: "The event could not be stored; Stripe will deliver it again." },
      },
    };
  } finally {
    inFlight.add(-1);
  }
}
