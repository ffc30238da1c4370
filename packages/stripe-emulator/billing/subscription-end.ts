import type { Core } from "../core/core";
import type { WSubscription } from "../core/wire";
import { subscriptionOfInvoice } from "./invoices";

/**
 * The end of a subscription, with nothing billed: the last step of an immediate cancellation
 * (subscription-cancel.ts), of dunning that ran out of retries (payments.ts) and of a period
 * that ended on a subscription set to cancel (cycle.ts). It collects no payment, so the payment
 * code can call it without a circle back to the cancellation that bills a final invoice.
 */

export interface EndDetails {
  reason?: "cancellation_requested" | "payment_failed";
  comment?: string | null;
  feedback?: string | null;
}

/** Stripe stops automatic collection of a canceled subscription's open invoices. */
function stopCollection(core: Core, sub: WSubscription): void {
  for (const inv of core.store.all("invoices")) {
    if (inv.status === "open" && subscriptionOfInvoice(core, inv)?.id === sub.id) {
      inv.auto_advance = false;
      inv.next_payment_attempt = null;
    }
  }
}

function finish(core: Core, sub: WSubscription, endedAt: number): void {
  sub.status = "canceled";
  sub.ended_at = endedAt;
  stopCollection(core, sub);
  core.emit("customer.subscription.deleted", sub);
}

/** Canceled now, with why (kept comment and feedback unless new ones are given). */
export function endSubscriptionNow(core: Core, sub: WSubscription, now: number, details: EndDetails): WSubscription {
  sub.canceled_at = now;
  sub.cancel_at_period_end = false;
  sub.cancellation_details = {
    comment: details.comment ?? sub.cancellation_details?.comment ?? null,
    feedback:
      (details.feedback as NonNullable<WSubscription["cancellation_details"]>["feedback"]) ??
      sub.cancellation_details?.feedback ??
      null,
    feedback_option: null,
    reason: details.reason ?? "cancellation_requested",
  };
  finish(core, sub, now);
  return sub;
}

/** The period ended on a subscription set to cancel (cancel_at_period_end / cancel_at). */
export function endSubscriptionAt(core: Core, sub: WSubscription, at: number): void {
  if (!sub.cancellation_details?.reason) {
    sub.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
  }
  finish(core, sub, at);
}
