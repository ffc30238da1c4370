import { z } from "zod";
import { receiveStripeWebhook } from "@/lib/webhooks";
import { defineRoute, Reply } from "../define";

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
  // Stripe's events are well under this; the bound keeps a forged giant body from being read.
  maxBytes: 2_000_000,
  response: z.object({ received: z.boolean() }).loose(),
  async handler({ req, rawBody }) {
    const { status, body } = await receiveStripeWebhook(await rawBody(), req.headers.get("stripe-signature"));
    return new Reply(body, status);
  },
});
