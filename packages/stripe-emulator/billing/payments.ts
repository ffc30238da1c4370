import type { Core } from "../core/core";
import { type CardDecline, docUrl } from "../core/errors";
import type { WInvoice, WPaymentIntent, WSubscription } from "../core/wire";
import { chargeOutcome } from "./cards";
import { defaultPayment, subscriptionOfInvoice } from "./invoices";
import { newCharge, newInvoicePayment, newPaymentIntent } from "./objects";
import { endSubscriptionNow } from "./subscription-end";

/**
 * Automatic retries after a failed attempt, in days: attempt 1 fails → retry 3 days later,
 * then 5, then 7. When the 4th attempt fails the subscription is canceled and the invoice
 * marked uncollectible (Stripe's "cancel the subscription" setting).
 */
export const RETRY_SCHEDULE_DAYS = [3, 5, 7];

export type AttemptResult =
  | { status: "paid" }
  | { status: "requires_action"; pi: WPaymentIntent }
  | { status: "failed"; decline: CardDecline | null; pi: WPaymentIntent };

export interface AttemptOptions {
  /** Overrides the subscription / customer default payment method. */
  paymentMethod?: string | null;
  offSession: boolean;
  /** Scheduled attempt (renewal or retry): failures follow the retry schedule. */
  automatic: boolean;
  /** The customer completed 3D Secure for the pending attempt: it now goes through. */
  authenticated?: boolean;
}

function ensurePaymentIntent(core: Core, inv: WInvoice, now: number): WPaymentIntent {
  const existing = defaultPayment(core, inv.id).pi;
  if (existing) return existing;
  const pi = newPaymentIntent({
    amount: inv.amount_remaining,
    currency: inv.currency,
    customer: String(inv.customer),
    created: now,
    description: `Invoice ${inv.number ?? inv.id}`,
    paymentMethod: null,
  });
  core.store.insert("paymentIntents", pi);
  core.store.insert("invoicePayments", newInvoicePayment(inv, pi, now));
  return pi;
}

function setDelinquent(core: Core, customerId: string, delinquent: boolean): void {
  const customer = core.store.get("customers", customerId);
  if (!customer || customer.delinquent === delinquent) return;
  const before = core.snap(customer);
  customer.delinquent = delinquent;
  core.emitUpdated("customer.updated", customer, before);
}

/** Invoice paid: reactivate an incomplete / past_due subscription with nothing else owed. */
function afterPaid(core: Core, inv: WInvoice, pmId: string | null): void {
  const sub = subscriptionOfInvoice(core, inv);
  if (!sub) return;
  const before = core.snap(sub);
  if (pmId && !sub.default_payment_method && sub.payment_settings?.save_default_payment_method === "on_subscription") {
    sub.default_payment_method = pmId;
  }
  const stillOwed = core.store
    .all("invoices")
    .some(
      (other) => other.id !== inv.id && other.status === "open" && subscriptionOfInvoice(core, other)?.id === sub.id,
    );
  if (["incomplete", "past_due", "unpaid"].includes(sub.status) && !stillOwed) {
    const now = core.now(String(sub.customer));
    sub.status = sub.trial_end !== null && sub.trial_end > now ? "trialing" : "active";
  }
  core.emitUpdated("customer.subscription.updated", sub, before);
}

export function markInvoicePaid(core: Core, inv: WInvoice, now: number, outOfBand = false): void {
  inv.status = "paid";
  inv.amount_paid += outOfBand ? 0 : inv.amount_remaining;
  if (outOfBand) inv.amount_paid_off_stripe = inv.amount_remaining;
  inv.amount_remaining = 0;
  inv.status_transitions.paid_at = now;
  inv.next_payment_attempt = null;
  inv.auto_advance = false;
  core.emit("invoice.paid", inv);
  if (!outOfBand) core.emit("invoice.payment_succeeded", inv);
  if (outOfBand) afterPaid(core, inv, null);
}

/** Sets `next_payment_attempt`; returns true when the retries are used up. */
function scheduleRetry(inv: WInvoice, sub: WSubscription | undefined, now: number): boolean {
  if (!sub || inv.billing_reason === "subscription_create") {
    inv.next_payment_attempt = null;
    return false;
  }
  const days = RETRY_SCHEDULE_DAYS[inv.attempt_count - 1];
  inv.next_payment_attempt = days === undefined ? null : now + days * 86_400;
  return days === undefined;
}

function retriesExhausted(core: Core, inv: WInvoice, sub: WSubscription, now: number): void {
  inv.status = "uncollectible";
  inv.status_transitions.marked_uncollectible_at = now;
  inv.auto_advance = false;
  core.emit("invoice.marked_uncollectible", inv);
  if (!["canceled", "incomplete_expired"].includes(sub.status)) {
    endSubscriptionNow(core, sub, now, { reason: "payment_failed" });
  }
}

/** After a failed attempt: retry schedule, events, dunning state. */
function afterFailure(
  core: Core,
  inv: WInvoice,
  sub: WSubscription | undefined,
  opts: AttemptOptions,
  now: number,
): void {
  const exhausted = opts.automatic ? scheduleRetry(inv, sub, now) : false;
  core.emit("invoice.payment_failed", inv);
  setDelinquent(core, String(inv.customer), true);
  if (exhausted && sub) retriesExhausted(core, inv, sub, now);
  else markPastDue(core, inv, sub);
}

/** One payment attempt on an open invoice with the given or default payment method. */
export function attemptInvoicePayment(core: Core, inv: WInvoice, opts: AttemptOptions): AttemptResult {
  const customerId = String(inv.customer);
  const customer = core.store.get("customers", customerId);
  const sub = subscriptionOfInvoice(core, inv);
  const now = core.now(customerId);
  const pmId =
    opts.paymentMethod ??
    (sub?.default_payment_method as string | null) ??
    (customer?.invoice_settings.default_payment_method as string | null) ??
    null;
  const pm = core.store.get("paymentMethods", pmId);
  const pi = ensurePaymentIntent(core, inv, now);
  const { payment } = defaultPayment(core, inv.id);
  inv.attempted = true;
  if (!opts.authenticated) inv.attempt_count += 1;

  if (!pm || !customer) {
    pi.status = "requires_payment_method";
    afterFailure(core, inv, sub, opts, now);
    return { status: "failed", decline: null, pi };
  }

  pi.payment_method = pm.id;
  let outcome = chargeOutcome(core.store.state.cardKinds[pm.id], opts.offSession);
  if (opts.authenticated && outcome.status === "requires_action") outcome = { status: "succeeded" };
  if (outcome.status === "requires_action") {
    pi.status = "requires_action";
    pi.next_action = {
      type: "use_stripe_sdk",
      use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: `${core.baseUrl}/3ds/${pi.id}` },
    };
    core.emit("payment_intent.requires_action", pi);
    core.emit("invoice.payment_action_required", inv);
    return { status: "requires_action", pi };
  }

  const failure = outcome.status === "declined" ? outcome.decline : null;
  const charge = newCharge({ pi, pm, customer, created: now, baseUrl: core.baseUrl, failure });
  core.store.insert("charges", charge);
  pi.latest_charge = charge.id;
  pi.next_action = null;

  if (outcome.status === "succeeded") {
    pi.status = "succeeded";
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    if (payment) {
      payment.status = "paid";
      payment.amount_paid = inv.amount_remaining;
      payment.status_transitions.paid_at = now;
    }
    core.emit("charge.succeeded", charge);
    core.emit("payment_intent.succeeded", pi);
    markInvoicePaid(core, inv, now);
    if (payment) core.emit("invoice_payment.paid", payment);
    setDelinquent(core, customerId, false);
    afterPaid(core, inv, pm.id);
    return { status: "paid" };
  }

  const decline = outcome.decline;
  pi.status = "requires_payment_method";
  pi.last_payment_error = {
    ...decline,
    charge: charge.id,
    doc_url: docUrl(decline.code),
    payment_method: core.snap(pm),
    type: "card_error",
  };
  core.emit("charge.failed", charge);
  core.emit("payment_intent.payment_failed", pi);
  afterFailure(core, inv, sub, opts, now);
  return { status: "failed", decline, pi };
}

/** A failed renewal / update payment moves an active subscription to past_due. */
function markPastDue(core: Core, inv: WInvoice, sub: WSubscription | undefined): void {
  if (!sub || inv.billing_reason === "subscription_create" || inv.status !== "open") return;
  if (sub.status !== "active" && sub.status !== "trialing") return;
  const before = core.snap(sub);
  sub.status = "past_due";
  core.emitUpdated("customer.subscription.updated", sub, before);
}
