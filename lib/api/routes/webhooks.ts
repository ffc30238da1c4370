import { z } from "zod";
import { json } from "@/lib/http/json";
import { receiveStripeWebhook } from "@/lib/webhooks";
import { defineRoute } from "../define";

/** Stripe → us: verify, store, answer at once (lib/webhooks/receive.ts); the worker applies the event. */
export const stripeWebhookRoute = defineRoute<undefined, undefined, undefined, "stripe_signature">({
  method: "post",
  path: "/api/webhooks/stripe",
  operationId: "receiveStripeWebhook",
  tag: "Webhooks",
  summary: "Stripe events (signed with Stripe-Signature)",
  description:
    "Verifies the signature over the raw body, stores the event durably and answers 200 at once; a worker applies it. A bad signature answers 400.",
  auth: "stripe_signature",
  response: z.object({ received: z.boolean() }).loose(),
  async handler({ req }) {
    const { status, body } = await receiveStripeWebhook(await req.text(), req.headers.get("stripe-signature"));
    return json(body, { status });
  },
});
