import type { Core } from "../core/core";
import type { WSubscription } from "../core/wire";
import { createInvoice, finalizeInvoice, linesFromInvoiceItems, pendingInvoiceItems } from "./invoices";
import { attemptInvoicePayment } from "./payments";
import { createProrationItems } from "./proration";
import { endSubscriptionNow, type EndDetails } from "./subscription-end";
import { currentPeriod } from "./subscriptions";

export interface CancelOptions extends EndDetails {
  /** Bill pending invoice items (and the proration credit) on a final invoice now. */
  invoiceNow?: boolean;
  /** Credit the unused part of the current period as a proration item. */
  prorate?: boolean;
}

/** Immediate cancellation (DELETE /v1/subscriptions/:id, customer deletion): optionally prorated and invoiced, then ended. */
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
  return endSubscriptionNow(core, sub, now, opts);
}
