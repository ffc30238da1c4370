import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { errorResponse } from "@/lib/http/errors";
import { getStripe } from "@/lib/stripe/client";
import { verifyStripeWebhook } from "@/lib/stripe/webhooks";
import { processEvent } from "@/lib/webhooks";
import { json } from "@/lib/http/json";

export const dynamic = "force-dynamic";

/**
 * Stripe → us. Raw body, signature check (400), then exactly-once processing. A handler
 * failure answers 500 so Stripe retries; a duplicate or an event type we don't handle, 200.
 */
export async function POST(req: Request): Promise<Response> {
  const secret = env().stripeWebhookSecret;
  if (!secret) {
    console.error("[webhooks] STRIPE_WEBHOOK_SECRET is not set: refusing to process Stripe events.");
    return json({ error: { code: "internal", message: "Webhook secret not configured." } }, { status: 500 });
  }
  const raw = await req.text();
  let event;
  try {
    event = verifyStripeWebhook(raw, req.headers.get("stripe-signature"), secret);
  } catch (err) {
    return errorResponse(err);
  }
  try {
    const outcome = await processEvent(await getDb(), getStripe(), event);
    return json({ received: true, outcome });
  } catch (err) {
    console.error(`[webhooks] ${event.type} ${event.id} failed:`, err instanceof Error ? err.message : err);
    return json(
      { error: { code: "handler_failed", message: "Processing failed; Stripe will retry." } },
      { status: 500 },
    );
  }
}
