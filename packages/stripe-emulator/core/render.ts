import type { Store } from "./store";
import type { JsonObject, WInvoice, WPlan, WPrice, WSubscription } from "./wire";

/** Lists embedded in objects show at most this many entries, like Stripe's. */
export const EMBEDDED_LIST_LIMIT = 10;

export function planFromPrice(price: WPrice): WPlan {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? "month",
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: price.recurring?.usage_type ?? "licensed",
  };
}

function renderInvoice(inv: WInvoice): WInvoice {
  const copy = structuredClone(inv);
  const all = copy.lines.data;
  copy.lines = {
    object: "list",
    data: all.slice(0, EMBEDDED_LIST_LIMIT),
    has_more: all.length > EMBEDDED_LIST_LIMIT,
    url: `/v1/invoices/${inv.id}/lines`,
  };
  return copy;
}

/** Items embed their price: show the price as it is now (metadata/active may have changed). */
function renderSubscription(store: Store, sub: WSubscription): WSubscription {
  const copy = structuredClone(sub);
  for (const item of copy.items.data) {
    const current = store.get("prices", item.price.id);
    if (current) {
      item.price = structuredClone(current);
      item.plan = planFromPrice(current);
    }
  }
  return copy;
}

/** A deep copy of a stored object in the form the API returns it. */
export function render<T>(store: Store, obj: T): T {
  const kind = (obj as JsonObject | null)?.object;
  if (kind === "invoice") return renderInvoice(obj as WInvoice) as T;
  if (kind === "subscription") return renderSubscription(store, obj as WSubscription) as T;
  return structuredClone(obj);
}
