import type { Core } from "../core/core";
import { invalidParam, noSuch, stateError } from "../core/errors";
import { planFromPrice } from "../core/render";
import type { WSubscription } from "../core/wire";
import { must } from "../resources/common";
import { requireCustomerPaymentMethod } from "../resources/payment-methods";
import { linesFromInvoiceItems, pendingInvoiceItems } from "./invoices";
import { addIntervals, sameInterval } from "./periods";
import { type ItemChange, createProrationItems } from "./proration";
import {
  type ItemInput,
  type PaymentBehavior,
  currentPeriod,
  cycleLines,
  invoiceAndCollect,
  newItem,
  recurringPrice,
  setPeriod,
  subscriptionInterval,
} from "./subscriptions";

export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface UpdateSubscriptionInput {
  items: ItemInput[];
  prorationBehavior: ProrationBehavior;
  prorationDate?: number;
  paymentBehavior: PaymentBehavior;
  offSession: boolean;
  /** undefined = unchanged, null = unset. */
  defaultPaymentMethod?: string | null;
  metadata?: Record<string, string>;
  description?: string | null;
  cancelAtPeriodEnd?: boolean;
  cancelAt?: number | null;
  cancellationComment?: string | null;
  cancellationFeedback?: string | null;
  billingCycleAnchorNow: boolean;
  trialEnd?: number | "now";
  saveDefaultPaymentMethod?: "off" | "on_subscription";
}

type Priced = { price: WSubscription["items"]["data"][number]["price"]; quantity: number };

/** Applies `items[]`: returns the proration changes and the items as they were before. */
function applyItemChanges(core: Core, sub: WSubscription, inputs: ItemInput[], now: number): ItemChange[] {
  const changes: ItemChange[] = [];
  const { start, end } = currentPeriod(sub);
  for (const input of inputs) {
    if (input.id) {
      const item = sub.items.data.find((i) => i.id === input.id);
      if (!item) throw noSuch("subscription_item", input.id, `${input.param}[id]`);
      const from: Priced = { price: structuredClone(item.price), quantity: item.quantity ?? 1 };
      if (input.deleted) {
        changes.push({ item: structuredClone(item), from });
        sub.items.data = sub.items.data.filter((i) => i.id !== item.id);
        continue;
      }
      const price = input.price ? recurringPrice(core, input.price, `${input.param}[price]`) : item.price;
      const quantity = input.quantity ?? item.quantity ?? 1;
      if (price.id !== from.price.id || quantity !== from.quantity) {
        changes.push({ item: structuredClone(item), from, to: { price: structuredClone(price), quantity } });
        item.price = structuredClone(price);
        item.plan = planFromPrice(price);
        item.quantity = quantity;
      }
      if (input.metadata) item.metadata = input.metadata;
    } else {
      if (!input.price)
        throw invalidParam(
          `${input.param}[price]`,
          `Missing required param: ${input.param}[price].`,
          "parameter_missing",
        );
      const price = recurringPrice(core, input.price, `${input.param}[price]`);
      if (sub.items.data.some((i) => i.price.id === price.id)) {
        throw invalidParam(`${input.param}[price]`, "Cannot add multiple subscription items with the same price.");
      }
      const item = newItem(sub, price, input.quantity ?? 1, now, input.metadata ?? {});
      item.current_period_start = start;
      item.current_period_end = end;
      sub.items.data.push(item);
      changes.push({
        item: structuredClone(item),
        to: { price: structuredClone(price), quantity: item.quantity ?? 1 },
      });
    }
  }
  if (sub.items.data.length === 0) throw invalidParam("items", "A subscription must have at least one active price.");
  const currency = sub.items.data[0]?.price.currency;
  if (sub.items.data.some((i) => i.price.currency !== currency)) {
    throw invalidParam("items", "All prices on a subscription must have the same `currency`.");
  }
  const iv = subscriptionInterval(sub);
  if (
    sub.items.data.some(
      (i) =>
        !sameInterval(
          { interval: i.price.recurring?.interval ?? "month", count: i.price.recurring?.interval_count ?? 1 },
          iv,
        ),
    )
  ) {
    throw invalidParam(
      "items",
      "All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.",
    );
  }
  return changes;
}

function applyCancellation(sub: WSubscription, input: UpdateSubscriptionInput, now: number): void {
  const details = () => ({
    comment: input.cancellationComment ?? sub.cancellation_details?.comment ?? null,
    feedback: (input.cancellationFeedback ?? sub.cancellation_details?.feedback ?? null) as NonNullable<
      WSubscription["cancellation_details"]
    >["feedback"],
    feedback_option: null,
    reason: "cancellation_requested" as const,
  });
  const clear = { comment: null, feedback: null, feedback_option: null, reason: null };
  if (input.cancelAtPeriodEnd === true) {
    sub.cancel_at_period_end = true;
    sub.cancel_at = currentPeriod(sub).end;
    sub.canceled_at = now;
    sub.cancellation_details = details();
  } else if (input.cancelAtPeriodEnd === false) {
    sub.cancel_at_period_end = false;
    sub.cancel_at = null;
    sub.canceled_at = null;
    sub.cancellation_details = clear;
  }
  if (typeof input.cancelAt === "number") {
    sub.cancel_at = input.cancelAt;
    sub.cancel_at_period_end = false;
    sub.canceled_at = now;
    sub.cancellation_details = details();
  } else if (input.cancelAt === null) {
    sub.cancel_at = null;
    sub.canceled_at = null;
    sub.cancel_at_period_end = false;
    sub.cancellation_details = clear;
  }
}

export function updateSubscription(core: Core, sub: WSubscription, input: UpdateSubscriptionInput): WSubscription {
  const customerId = String(sub.customer);
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    const onlyAllowed =
      input.items.length === 0 &&
      input.cancelAtPeriodEnd === undefined &&
      input.cancelAt === undefined &&
      input.defaultPaymentMethod === undefined;
    if (!onlyAllowed)
      throw stateError("A canceled subscription can only update its cancellation_details and metadata.");
  }
  const before = core.snap(sub);
  const mark = core.eventMark();
  const now = core.now(customerId);
  const prorationDate = input.prorationDate ?? now;

  if (input.metadata) sub.metadata = input.metadata;
  if (input.description !== undefined) sub.description = input.description;
  if (input.saveDefaultPaymentMethod && sub.payment_settings)
    sub.payment_settings.save_default_payment_method = input.saveDefaultPaymentMethod;
  if (input.defaultPaymentMethod !== undefined) {
    sub.default_payment_method = input.defaultPaymentMethod
      ? requireCustomerPaymentMethod(core, customerId, input.defaultPaymentMethod, "default_payment_method").id
      : null;
  }

  const oldInterval = subscriptionInterval(sub);
  const oldItems = sub.items.data.map((item) => structuredClone(item));
  const changes = applyItemChanges(core, sub, input.items, now);
  const newInterval = subscriptionInterval(sub);
  const endTrial = input.trialEnd === "now" && sub.status === "trialing";
  const resetAnchor = !sameInterval(oldInterval, newInterval) || input.billingCycleAnchorNow || endTrial;
  const billable = sub.status === "active" || sub.status === "past_due";
  const prorate = input.prorationBehavior !== "none" && billable;

  if (resetAnchor) {
    // New billing period starting now: credit the unused old period, charge the new one in full.
    if (prorate) {
      const credits: ItemChange[] = oldItems.map((item) => ({
        item,
        from: { price: item.price, quantity: item.quantity ?? 1 },
      }));
      createProrationItems(core, sub, credits, prorationDate);
    }
    if (endTrial) {
      sub.trial_end = now;
      sub.status = "active";
    }
    const end = addIntervals(now, newInterval, 1);
    sub.billing_cycle_anchor = now;
    setPeriod(sub, now, end);
    const lines = [
      ...linesFromInvoiceItems(core, pendingInvoiceItems(core, customerId, sub.id)),
      ...cycleLines(core, sub, now, end),
    ];
    invoiceAndCollect(core, sub, {
      reason: "subscription_update",
      lines,
      periodStart: now,
      periodEnd: now,
      behavior: input.paymentBehavior,
      offSession: input.offSession,
    });
  } else if (changes.length > 0 && prorate) {
    createProrationItems(core, sub, changes, prorationDate);
    if (input.prorationBehavior === "always_invoice") {
      const pending = pendingInvoiceItems(core, customerId, sub.id);
      if (pending.length > 0) {
        const lines = linesFromInvoiceItems(core, pending);
        const period = currentPeriod(sub);
        invoiceAndCollect(core, sub, {
          reason: "subscription_update",
          lines,
          periodStart: period.start,
          periodEnd: now,
          behavior: input.paymentBehavior,
          offSession: input.offSession,
        });
      }
    }
  }

  if (typeof input.trialEnd === "number") {
    if (sub.status !== "trialing")
      throw invalidParam(
        "trial_end",
        "The subscription is not trialing: `trial_end` can only be changed during a trial (or set to `now`).",
      );
    if (input.trialEnd <= now)
      throw invalidParam("trial_end", "Invalid timestamp: must be an integer Unix timestamp in the future.");
    sub.trial_end = input.trialEnd;
    sub.billing_cycle_anchor = input.trialEnd;
    setPeriod(sub, currentPeriod(sub).start, input.trialEnd);
  }
  applyCancellation(sub, input, now);
  must(core, "customers", customerId);
  core.emitUpdated("customer.subscription.updated", sub, before, mark);
  return sub;
}
