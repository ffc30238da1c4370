import type { Queryable } from "@/db/types";
import type { Stripe } from "@/lib/stripe/client";

/** What a handler gets besides its event: the transaction that also marks the event processed, Stripe, and the time. */
export type HandlerContext = { tx: Queryable; stripe: Stripe; now: Date };

/** The Stripe event of one type, with its object typed (`Stripe.InvoicePaidEvent` for "invoice.paid", …). */
export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

export type Handler<T extends Stripe.Event.Type> = (ctx: HandlerContext, event: EventOf<T>) => Promise<void>;
