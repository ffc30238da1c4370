import type { Core } from "../core/core";
import type { WSubscription } from "../core/wire";
import { createInvoice, finalizeInvoice, linesFromInvoiceItems, pendingInvoiceItems } from "./invoices";
import { attemptInvoicePayment, subscriptionOfInvoice } from "./payments";
import { createProrationItems } from "./proration";
import { currentPeriod } from "./subscriptions";

export interface CancelOptions {
  reason?: "cancellation_requested" | "payment_failed";
  /** Bill pending invoice items (and the proration credit) on a final invoice now. */
  invoiceNow?: boolean;
  /** Credit the unused part of the current period as a proration item. */
  prorate?: boolean;
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

/** Immediate cancellation (DELETE /v1/subscriptions/:id, customer deletion, failed dunning). */
export function cancelSubscriptionNow(core: Core, sub: WSubscription, opts: CancelOptions): WSubscription {
  const customerId = String(sub.customer);
  const now = core.now(customerId);
  if (opts.prorate && ["active", "past_due"].includes(sub.status)) {
    const changes = sub.items.data.map((item) => ({ item, from: { price: item.price, quantity: item.quantity ?? 1 } }));
    createProrationItems(core, sub, changes, now);
  }
  if (opts.invoiceNow) {
    const pending = pendingInvoiceItems(core, customerId, sub.id);
    const customer = core.store.get("customers", customerId);
    if (pending.length > 0 && customer) {
      const period = currentPeriod(sub);
      const inv = createInvoice(core, {
        customer,
        subscription: sub,
        billingReason: "subscription_update",
        lines: linesFromInvoiceItems(core, pending),
        created: now,
        periodStart: period.start,
        periodEnd: now,
        currency: sub.currency,
      });
      sub.latest_invoice = inv.id;
      finalizeInvoice(core, inv);
      if (inv.status === "open" && inv.collection_method === "charge_automatically") {
        attemptInvoicePayment(core, inv, { offSession: true, automatic: false });
      }
    }
  }
  sub.canceled_at = now;
  sub.cancel_at_period_end = false;
  sub.cancellation_details = {
    comment: opts.comment ?? sub.cancellation_details?.comment ?? null,
    feedback:
      (opts.feedback as NonNullable<WSubscription["cancellation_details"]>["feedback"]) ??
      sub.cancellation_details?.feedback ??
      null,
    feedback_option: null,
    reason: opts.reason ?? "cancellation_requested",
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
