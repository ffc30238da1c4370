import type { Core } from "../core/core";
import { newId } from "../core/ids";
import type { WInvoiceItem, WPrice, WSubscription, WSubscriptionItem } from "../core/wire";
import { prorate } from "./money";
import { formatDay } from "./periods";

export interface PricedQuantity {
  price: WPrice;
  quantity: number;
}

/** One item's change: `from` (credited for unused time) and/or `to` (charged for remaining time). */
export interface ItemChange {
  item: WSubscriptionItem;
  from?: PricedQuantity;
  to?: PricedQuantity;
}

export function productName(core: Core, price: WPrice): string {
  const id = typeof price.product === "string" ? price.product : price.product.id;
  return core.store.get("products", id)?.name ?? id;
}

function label(core: Core, pq: PricedQuantity): string {
  const name = productName(core, pq.price);
  return pq.quantity === 1 ? name : `${pq.quantity} × ${name}`;
}

function prorationItem(
  core: Core,
  sub: WSubscription,
  item: WSubscriptionItem,
  pq: PricedQuantity,
  amount: number,
  description: string,
  start: number,
  end: number,
): WInvoiceItem {
  const customer = String(sub.customer);
  const product = typeof pq.price.product === "string" ? pq.price.product : pq.price.product.id;
  return {
    id: newId("ii"),
    object: "invoiceitem",
    amount,
    currency: sub.currency,
    customer,
    customer_account: null,
    date: start,
    description,
    discountable: false,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    net_amount: amount,
    parent: {
      type: "subscription_details",
      subscription_details: { subscription: sub.id, subscription_item: item.id },
    },
    period: { start, end },
    pricing: {
      type: "price_details",
      price_details: { price: pq.price.id, product },
      unit_amount_decimal: String(Number((amount / Math.max(1, pq.quantity)).toFixed(12))),
    },
    proration: true,
    proration_details: { credited_items: null, discount_amounts: [] },
    quantity: pq.quantity,
    quantity_decimal: String(pq.quantity),
    tax_rates: [],
    test_clock: sub.test_clock,
  };
}

/**
 * Pending proration invoice items for the unused / remaining part of the current period:
 * amount = round(unit_amount × quantity × (period_end − proration_date) / (period_end − period_start)),
 * negative for the credit. They are billed on the next invoice for the subscription.
 */
export function createProrationItems(
  core: Core,
  sub: WSubscription,
  changes: ItemChange[],
  prorationDate: number,
): WInvoiceItem[] {
  const created: WInvoiceItem[] = [];
  for (const change of changes) {
    const start = change.item.current_period_start;
    const end = change.item.current_period_end;
    if (prorationDate >= end) continue;
    const remaining = end - Math.max(prorationDate, start);
    const period = end - start;
    const when = formatDay(prorationDate);
    if (change.from) {
      const amount = -prorate(change.from.price.unit_amount ?? 0, change.from.quantity, remaining, period);
      if (amount !== 0) {
        created.push(
          prorationItem(
            core,
            sub,
            change.item,
            change.from,
            amount,
            `Unused time on ${label(core, change.from)} after ${when}`,
            prorationDate,
            end,
          ),
        );
      }
    }
    if (change.to) {
      const amount = prorate(change.to.price.unit_amount ?? 0, change.to.quantity, remaining, period);
      if (amount !== 0) {
        created.push(
          prorationItem(
            core,
            sub,
            change.item,
            change.to,
            amount,
            `Remaining time on ${label(core, change.to)} after ${when}`,
            prorationDate,
            end,
          ),
        );
      }
    }
  }
  for (const ii of created) {
    core.store.insert("invoiceItems", ii);
    core.emit("invoiceitem.created", ii);
  }
  return created;
}
