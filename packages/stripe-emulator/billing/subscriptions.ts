import type { Core } from "../core/core";
import { StripeApiError, cardError, invalidParam, stateError } from "../core/errors";
import { newId } from "../core/ids";
import { planFromPrice } from "../core/render";
import type { WCustomer, WInvoice, WPrice, WSubscription, WSubscriptionItem } from "../core/wire";
import { must } from "../resources/common";
import { requireCustomerPaymentMethod } from "../resources/payment-methods";
import { type BillingReason, type DraftLine, createInvoice, finalizeInvoice } from "./invoices";
import { formatMoney } from "./money";
import { type AttemptResult, attemptInvoicePayment } from "./payments";
import { type BillingInterval, addIntervals, intervalOf, sameInterval } from "./periods";
import { productName } from "./proration";

export type PaymentBehavior =
  "allow_incomplete" | "error_if_incomplete" | "default_incomplete" | "pending_if_incomplete";

export interface ItemInput {
  param: string;
  id?: string;
  price?: string;
  quantity?: number;
  deleted?: boolean;
  metadata?: Record<string, string>;
}

export interface CreateSubscriptionInput {
  customer: string;
  items: ItemInput[];
  defaultPaymentMethod?: string;
  paymentBehavior: PaymentBehavior;
  trialEnd?: number | "now";
  trialPeriodDays?: number;
  metadata: Record<string, string>;
  cancelAtPeriodEnd: boolean;
  description?: string;
  collectionMethod: "charge_automatically" | "send_invoice";
  daysUntilDue?: number;
  offSession: boolean;
  saveDefaultPaymentMethod?: "off" | "on_subscription";
  missingPaymentMethod: "cancel" | "create_invoice" | "pause";
}

export function recurringPrice(core: Core, priceId: string, param: string): WPrice {
  const price = must(core, "prices", priceId, param);
  if (price.type !== "recurring" || !price.recurring) {
    throw invalidParam(
      param,
      "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.",
    );
  }
  if (!price.active)
    throw invalidParam(param, `The price specified is inactive. This field only accepts active prices.`);
  return price;
}

export function newItem(
  sub: WSubscription,
  price: WPrice,
  quantity: number,
  created: number,
  metadata: Record<string, string> = {},
): WSubscriptionItem {
  return {
    id: newId("si"),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: 0,
    current_period_start: 0,
    current_trial: null,
    discounts: [],
    metadata,
    plan: planFromPrice(price),
    price: structuredClone(price),
    quantity,
    subscription: sub.id,
    tax_rates: [],
  };
}

export function subscriptionInterval(sub: WSubscription): BillingInterval {
  const first = sub.items.data[0];
  return first ? intervalOf(first.price) : { interval: "month", count: 1 };
}

export function setPeriod(sub: WSubscription, start: number, end: number): void {
  for (const item of sub.items.data) {
    item.current_period_start = start;
    item.current_period_end = end;
  }
}

export function currentPeriod(sub: WSubscription): { start: number; end: number } {
  const first = sub.items.data[0];
  return { start: first?.current_period_start ?? sub.start_date, end: first?.current_period_end ?? sub.start_date };
}

/** `1 × Pro (at $20.00 / month)` lines for every item, for the period [start, end). */
export function cycleLines(core: Core, sub: WSubscription, start: number, end: number, trial = false): DraftLine[] {
  return sub.items.data.map((item) => {
    const qty = item.quantity ?? 1;
    const iv = intervalOf(item.price);
    const per = iv.count === 1 ? iv.interval : `every ${iv.count} ${iv.interval}s`;
    const name = productName(core, item.price);
    return {
      amount: trial ? 0 : (item.price.unit_amount ?? 0) * qty,
      description: trial
        ? `Trial period for ${name}`
        : `${qty} × ${name} (at ${formatMoney(item.price.unit_amount ?? 0, sub.currency)} / ${per})`,
      period: { start, end },
      price: item.price,
      quantity: qty,
      proration: false,
      subscription: sub.id,
      subscriptionItem: item.id,
      invoiceItem: null,
    };
  });
}

function noPaymentMethodError(): StripeApiError {
  return invalidParam(
    "default_payment_method",
    "This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.",
  );
}

export function hasPaymentMethod(core: Core, sub: WSubscription, customer: WCustomer): boolean {
  return Boolean(sub.default_payment_method ?? customer.invoice_settings.default_payment_method);
}

/**
 * Creates, finalizes and (unless default_incomplete) collects an invoice for the subscription.
 * error_if_incomplete failures throw a 402 that rolls the whole request back.
 */
export function invoiceAndCollect(
  core: Core,
  sub: WSubscription,
  args: {
    reason: BillingReason;
    lines: DraftLine[];
    periodStart: number;
    periodEnd: number;
    behavior: PaymentBehavior;
    offSession: boolean;
  },
): { inv: WInvoice; result: AttemptResult | null } {
  const customer = must(core, "customers", String(sub.customer));
  const now = core.now(customer.id);
  const inv = createInvoice(core, {
    customer,
    subscription: sub,
    billingReason: args.reason,
    lines: args.lines,
    created: now,
    periodStart: args.periodStart,
    periodEnd: args.periodEnd,
    currency: sub.currency,
  });
  sub.latest_invoice = inv.id;
  finalizeInvoice(core, inv);
  if (
    inv.status !== "open" ||
    inv.collection_method !== "charge_automatically" ||
    args.behavior === "default_incomplete"
  ) {
    return { inv, result: null };
  }
  // As on Stripe, only default_incomplete may start without a payment method to charge.
  if (!hasPaymentMethod(core, sub, customer)) throw noPaymentMethodError();
  const result = attemptInvoicePayment(core, inv, {
    offSession: args.offSession,
    automatic: args.reason !== "subscription_create",
  });
  if (args.behavior === "error_if_incomplete" && result.status !== "paid") {
    if (result.status === "failed" && result.decline)
      throw cardError(result.decline, { payment_intent: core.snap(result.pi) }, false);
    if (result.status === "requires_action") {
      throw cardError(
        {
          code: "invoice_payment_intent_requires_action",
          message:
            "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.",
        },
        { payment_intent: core.snap(result.pi) },
        false,
      );
    }
    throw noPaymentMethodError();
  }
  return { inv, result };
}

export function createSubscription(core: Core, input: CreateSubscriptionInput): WSubscription {
  const customer = must(core, "customers", input.customer, "customer");
  if (input.items.length === 0) throw invalidParam("items", "Missing required param: items.", "parameter_missing");
  const now = core.now(customer.id);
  const priced = input.items.map((it) => {
    if (!it.price)
      throw invalidParam(`${it.param}[price]`, `Missing required param: ${it.param}[price].`, "parameter_missing");
    return {
      price: recurringPrice(core, it.price, `${it.param}[price]`),
      quantity: it.quantity ?? 1,
      metadata: it.metadata ?? {},
    };
  });
  const first = priced[0]!.price;
  const currency = first.currency;
  const iv = intervalOf(first);
  for (const pq of priced) {
    if (pq.price.currency !== currency)
      throw invalidParam("items", "All prices on a subscription must have the same `currency`.");
    if (!sameInterval(intervalOf(pq.price), iv)) {
      throw invalidParam(
        "items",
        "All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.",
      );
    }
  }
  if (customer.currency && customer.currency !== currency) {
    throw stateError(
      `You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency ${customer.currency}.`,
    );
  }
  const pm = input.defaultPaymentMethod
    ? requireCustomerPaymentMethod(core, customer.id, input.defaultPaymentMethod, "default_payment_method")
    : null;

  let trialEnd: number | null = null;
  if (typeof input.trialEnd === "number") {
    if (input.trialEnd <= now)
      throw invalidParam("trial_end", "Invalid timestamp: must be an integer Unix timestamp in the future.");
    trialEnd = input.trialEnd;
  } else if (input.trialEnd !== "now" && input.trialPeriodDays) {
    trialEnd = now + input.trialPeriodDays * 86_400;
  }
  const periodEnd = trialEnd ?? addIntervals(now, iv, 1);

  const id = newId("sub");
  const sub: WSubscription = {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: input.collectionMethod,
    created: now,
    currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: input.collectionMethod === "send_invoice" ? (input.daysUntilDue ?? 30) : null,
    default_payment_method: pm?.id ?? null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: { object: "list", data: [], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: input.saveDefaultPaymentMethod ?? "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialEnd ? "trialing" : "active",
    test_clock: customer.test_clock ?? null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: input.missingPaymentMethod },
    },
    trial_start: trialEnd ? now : null,
  };
  sub.items.data = priced.map((pq) => newItem(sub, pq.price, pq.quantity, now, pq.metadata));
  setPeriod(sub, now, periodEnd);
  if (input.cancelAtPeriodEnd) {
    sub.cancel_at_period_end = true;
    sub.cancel_at = periodEnd;
    sub.canceled_at = now;
    sub.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
  }
  core.store.insert("subscriptions", sub);
  if (!customer.currency) customer.currency = currency;

  const mark = core.eventMark();
  const { inv, result } = invoiceAndCollect(core, sub, {
    reason: "subscription_create",
    lines: cycleLines(core, sub, now, periodEnd, trialEnd !== null),
    periodStart: now,
    periodEnd: now,
    behavior: input.paymentBehavior,
    offSession: input.offSession,
  });
  if (
    inv.status === "open" &&
    inv.collection_method === "charge_automatically" &&
    (result === null || result.status !== "paid")
  ) {
    sub.status = "incomplete";
  }
  core.emit("customer.subscription.created", sub, undefined, mark);
  return sub;
}
