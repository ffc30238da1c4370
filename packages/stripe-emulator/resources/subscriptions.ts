import { cancelSubscriptionNow } from "../billing/subscription-cancel";
import { type ProrationBehavior, updateSubscription } from "../billing/subscription-update";
import {
  type CreateSubscriptionInput,
  type ItemInput,
  type PaymentBehavior,
  createSubscription,
} from "../billing/subscriptions";
import type { Core } from "../core/core";
import { invalidParam, noSuch, stateError } from "../core/errors";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import type { Router } from "../http/router";
import { must } from "./common";
import { searchResult } from "./search";

const PAYMENT_BEHAVIORS = [
  "allow_incomplete",
  "error_if_incomplete",
  "default_incomplete",
  "pending_if_incomplete",
] as const;
const PRORATION_BEHAVIORS = ["create_prorations", "none", "always_invoice"] as const;
const STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
] as const;

export function readItems(p: Params, key = "items"): ItemInput[] {
  return p.list(key).map((item, i) => ({
    param: `${key}[${i}]`,
    id: item.text("id"),
    price: item.text("price") ?? item.text("plan"),
    quantity: item.int("quantity"),
    deleted: item.bool("deleted"),
    metadata: item.has("metadata") ? item.metadata() : undefined,
  }));
}

function paymentBehavior(p: Params, fallback: PaymentBehavior): PaymentBehavior {
  const v = p.oneOf("payment_behavior", PAYMENT_BEHAVIORS) ?? fallback;
  // pending_if_incomplete is emulated as error_if_incomplete: a failed payment leaves nothing changed.
  return v === "pending_if_incomplete" ? "error_if_incomplete" : v;
}

export function readCreateInput(
  p: Params,
): Omit<CreateSubscriptionInput, "customer" | "paymentBehavior" | "offSession"> {
  const trialEnd = p.timeOrNow("trial_end");
  const settings = p.obj("payment_settings");
  const missing = p
    .obj("trial_settings")
    ?.obj("end_behavior")
    ?.oneOf("missing_payment_method", ["cancel", "create_invoice", "pause"] as const);
  return {
    items: readItems(p),
    defaultPaymentMethod: p.text("default_payment_method"),
    trialEnd,
    trialPeriodDays: p.int("trial_period_days"),
    metadata: p.metadata(),
    cancelAtPeriodEnd: p.bool("cancel_at_period_end") ?? false,
    description: p.text("description"),
    collectionMethod:
      p.oneOf("collection_method", ["charge_automatically", "send_invoice"] as const) ?? "charge_automatically",
    daysUntilDue: p.int("days_until_due"),
    saveDefaultPaymentMethod: settings?.oneOf("save_default_payment_method", ["off", "on_subscription"] as const),
    missingPaymentMethod: missing ?? "create_invoice",
  };
}

export function readUpdateDetails(p: Params, now: () => number) {
  const anchor = p.text("billing_cycle_anchor");
  if (anchor !== undefined && anchor !== "now" && anchor !== "unchanged") {
    throw invalidParam("billing_cycle_anchor", "Invalid billing_cycle_anchor: must be one of now, unchanged");
  }
  const cancelAt = p.has("cancel_at") ? (p.isEmpty("cancel_at") ? null : p.timeOrNow("cancel_at")) : undefined;
  const details = p.obj("cancellation_details");
  return {
    items: readItems(p),
    prorationBehavior: (p.oneOf("proration_behavior", PRORATION_BEHAVIORS) ?? "create_prorations") as ProrationBehavior,
    prorationDate: p.int("proration_date"),
    defaultPaymentMethod: p.has("default_payment_method") ? (p.text("default_payment_method") ?? null) : undefined,
    description: p.has("description") ? (p.text("description") ?? null) : undefined,
    cancelAtPeriodEnd: p.bool("cancel_at_period_end"),
    cancelAt: cancelAt === "now" ? now() : cancelAt,
    cancellationComment: details?.text("comment"),
    cancellationFeedback: details?.text("feedback"),
    billingCycleAnchorNow: anchor === "now",
    trialEnd: p.timeOrNow("trial_end"),
    saveDefaultPaymentMethod: p
      .obj("payment_settings")
      ?.oneOf("save_default_payment_method", ["off", "on_subscription"] as const),
  };
}

function listSubscriptions(core: Core, p: Params) {
  const customer = p.text("customer");
  const price = p.text("price");
  const clock = p.text("test_clock");
  const status = p.oneOf("status", STATUSES);
  const rows = core.store
    .all("subscriptions")
    .filter((s) => !customer || s.customer === customer)
    .filter((s) => !clock || s.test_clock === clock)
    .filter((s) => !price || s.items.data.some((i) => i.price.id === price))
    .filter((s) => {
      if (status === "all") return true;
      if (status === "ended") return s.status === "canceled" || s.status === "incomplete_expired";
      if (status) return s.status === status;
      return s.status !== "canceled" && s.status !== "incomplete_expired";
    });
  return paginate(core, rows, readListParams(p), "/v1/subscriptions");
}

export function registerSubscriptions(router: Router): void {
  router
    .post("/v1/subscriptions", ({ core, params: p }) =>
      createSubscription(core, {
        ...readCreateInput(p),
        customer: p.reqStr("customer"),
        paymentBehavior: paymentBehavior(p, "allow_incomplete"),
        offSession: p.bool("off_session") ?? false,
      }),
    )
    .get("/v1/subscriptions/search", ({ core, params }) =>
      searchResult(core, core.store.all("subscriptions"), params, "/v1/subscriptions/search"),
    )
    .get("/v1/subscriptions/:id", ({ core, ids }) => must(core, "subscriptions", ids.id ?? ""))
    .post("/v1/subscriptions/:id", ({ core, ids, params: p }) => {
      const sub = must(core, "subscriptions", ids.id ?? "");
      const customerId = String(sub.customer);
      return updateSubscription(core, sub, {
        ...readUpdateDetails(p, () => core.now(customerId)),
        metadata: p.has("metadata") ? p.metadata(sub.metadata) : undefined,
        paymentBehavior: paymentBehavior(p, "allow_incomplete"),
        offSession: p.bool("off_session") ?? false,
      });
    })
    .del("/v1/subscriptions/:id", ({ core, ids, params: p }) => {
      const sub = must(core, "subscriptions", ids.id ?? "");
      if (sub.status === "canceled" || sub.status === "incomplete_expired") {
        throw stateError(`A canceled subscription can't be canceled again.`);
      }
      const details = p.obj("cancellation_details");
      return cancelSubscriptionNow(core, sub, {
        invoiceNow: p.bool("invoice_now") ?? false,
        prorate: p.bool("prorate") ?? false,
        comment: details?.text("comment"),
        feedback: details?.text("feedback"),
      });
    })
    .post("/v1/subscriptions/:id/resume", ({ core, ids }) => {
      const sub = must(core, "subscriptions", ids.id ?? "");
      if (sub.status !== "paused")
        throw stateError(
          "Only a paused subscription can be resumed. (To undo cancel_at_period_end, update the subscription with cancel_at_period_end=false.)",
        );
      const before = core.snap(sub);
      sub.status = "active";
      core.emitUpdated("customer.subscription.updated", sub, before);
      core.emit("customer.subscription.resumed", sub);
      return sub;
    })
    .get("/v1/subscriptions", ({ core, params }) => listSubscriptions(core, params))
    .get("/v1/subscription_items", ({ core, params: p }) => {
      const sub = must(core, "subscriptions", p.reqStr("subscription"), "subscription");
      return paginate(core, sub.items.data, readListParams(p), `/v1/subscription_items?subscription=${sub.id}`, true);
    })
    .get("/v1/subscription_items/:id", ({ core, ids }) => {
      for (const sub of core.store.all("subscriptions")) {
        const item = sub.items.data.find((i) => i.id === ids.id);
        if (item) return item;
      }
      throw noSuch("subscription_item", ids.id ?? "");
    });
}
