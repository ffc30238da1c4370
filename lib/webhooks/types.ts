import type { Queryable } from "@/db/types";
import type { Stripe } from "@/lib/stripe/client";

/** What a handler gets: the transaction that also records the event, Stripe, and the verified event. */
export type HandlerContext = { tx: Queryable; stripe: Stripe; event: Stripe.Event; now: Date };
export type Handler = (ctx: HandlerContext) => Promise<void>;
