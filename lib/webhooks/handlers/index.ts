import "server-only";
import type { Stripe } from "@/lib/stripe/client";
import type { HandlerContext } from "../types";
import {
  onCheckoutCompleted,
  onCustomerUpdated,
  onPaymentMethodAttached,
  onPaymentMethodDetached,
  onSetupIntentSucceeded,
} from "./customer-events";
import { onInvoiceEvent } from "./invoice-events";
import { onSubscriptionEvent, onTrialWillEnd } from "./subscription-events";

/** The event types we act on. Anything else is recorded as ignored when it arrives, without a worker pass. */
export const HANDLED_EVENT_TYPES = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "customer.subscription.trial_will_end",
  "invoice.created",
  "invoice.finalized",
  "invoice.updated",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "invoice.payment_action_required",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "payment_method.attached",
  "payment_method.detached",
  "setup_intent.succeeded",
  "checkout.session.completed",
  "customer.updated",
] as const satisfies readonly Stripe.Event.Type[];

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

const handled = new Set<string>(HANDLED_EVENT_TYPES);
export function isHandledEventType(type: string): type is HandledEventType {
  return handled.has(type);
}

/**
 * Events that one handler pass covers together: their handler re-reads the object from Stripe
 * and writes its state as it is now, with no effect tied to the event itself (notices come from
 * state transitions), so applying the newest of a run of pending events of one object applies
 * them all. Types absent here (trial_will_end's notice, card and checkout events) are applied
 * one by one.
 */
const COVER_GROUPS: Partial<Record<HandledEventType, string>> = {
  "customer.subscription.created": "subscription",
  "customer.subscription.updated": "subscription",
  "customer.subscription.deleted": "subscription",
  "customer.subscription.paused": "subscription",
  "customer.subscription.resumed": "subscription",
  "invoice.created": "invoice",
  "invoice.finalized": "invoice",
  "invoice.updated": "invoice",
  "invoice.paid": "invoice",
  "invoice.payment_succeeded": "invoice",
  "invoice.payment_failed": "invoice",
  "invoice.payment_action_required": "invoice",
  "invoice.voided": "invoice",
  "invoice.marked_uncollectible": "invoice",
  "customer.updated": "customer",
};

/** The group of events of one object that one pass of this type's handler covers (null: this event alone). */
export function coverGroupOf(type: string): string | null {
  return isHandledEventType(type) ? (COVER_GROUPS[type] ?? null) : null;
}

/**
 * Apply one verified event: a thin step from the event's type to the lib/billing function that
 * owns the state it concerns. The switch narrows `event` to its Stripe type
 * (`Stripe.InvoicePaidEvent`, …), so no handler casts `event.data.object`. Answers false for a
 * type we don't act on.
 */
export async function dispatch(ctx: HandlerContext, event: Stripe.Event): Promise<boolean> {
  switch (event.type) {
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
      await onSubscriptionEvent(ctx, event);
      return true;
    case "customer.subscription.trial_will_end":
      await onTrialWillEnd(ctx, event);
      return true;
    case "invoice.created":
    case "invoice.finalized":
    case "invoice.updated":
    case "invoice.paid":
    case "invoice.payment_succeeded":
    case "invoice.payment_failed":
    case "invoice.payment_action_required":
    case "invoice.voided":
    case "invoice.marked_uncollectible":
      await onInvoiceEvent(ctx, event);
      return true;
    case "payment_method.attached":
      await onPaymentMethodAttached(ctx, event);
      return true;
    case "payment_method.detached":
      await onPaymentMethodDetached(ctx, event);
      return true;
    case "setup_intent.succeeded":
      await onSetupIntentSucceeded(ctx, event);
      return true;
    case "checkout.session.completed":
      await onCheckoutCompleted(ctx, event);
      return true;
    case "customer.updated":
      await onCustomerUpdated(ctx, event);
      return true;
    default:
      return false;
  }
}
