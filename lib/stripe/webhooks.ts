import "server-only";
import Stripe from "stripe";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/** The envelope every event must have, whatever its type. */
export const stripeEventEnvelope = z
  .object({
    id: z.string().regex(/^evt_/, "event id must start with evt_"),
    object: z.literal("event"),
    type: z.string().min(1).max(100),
    created: z.number().int().positive(),
    livemode: z.boolean(),
    data: z.object({ object: z.object({ object: z.string() }).loose() }).loose(),
  })
  .loose();

/** Default tolerance of Stripe's SDK: a signature older than 5 minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Verify `Stripe-Signature` over the raw body and parse the event. Missing, forged or stale
 * signatures are a 400 and nothing else happens.
 */
export function verifyStripeWebhook(rawBody: string, header: string | null, secret: string): Stripe.Event {
  if (!header) throw new AppError("bad_request", "Missing Stripe-Signature header.");
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : "invalid signature";
    throw new AppError("bad_request", `Webhook signature verification failed: ${why}`);
  }
  const shape = stripeEventEnvelope.safeParse(event);
  if (!shape.success) {
    throw new AppError(
      "bad_request",
      `Not a Stripe event: ${shape.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  }
  return event;
}

/** A signed header for tests and the emulator (Stripe's own scheme). */
export function signWebhookPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
