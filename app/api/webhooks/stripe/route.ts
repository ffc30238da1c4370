import { json } from "@/lib/http/json";
import { receiveStripeWebhook } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

/** Stripe → us: verify, store, answer at once (lib/webhooks/receive.ts); the worker applies the event. */
export async function POST(req: Request): Promise<Response> {
  const { status, body } = await receiveStripeWebhook(await req.text(), req.headers.get("stripe-signature"));
  return json(body, { status });
}
