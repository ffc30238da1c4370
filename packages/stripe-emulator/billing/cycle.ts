import type { Core } from "../core/core";
import type { WInvoice, WSubscription, WTestClock } from "../core/wire";
import { createInvoice, finalizeInvoice, linesFromInvoiceItems, pendingInvoiceItems } from "./invoices";
import { attemptInvoicePayment } from "./payments";
import { addIntervals, nextBoundary } from "./periods";
import { endSubscriptionAt } from "./subscription-end";
import { currentPeriod, cycleLines, hasPaymentMethod, setPeriod, subscriptionInterval } from "./subscriptions";

/** Stripe expires an unpaid first invoice after 23 hours. */
const INCOMPLETE_EXPIRY_SECONDS = 23 * 3600;
const TRIAL_WILL_END_NOTICE_SECONDS = 3 * 86_400;

/** Invoices a new period [start, end) with pending items, then collects off-session. */
function billPeriod(
  core: Core,
  sub: WSubscription,
  start: number,
  end: number,
  prevPeriod: { start: number; end: number },
): void {
  const customer = core.store.get("customers", String(sub.customer));
  if (!customer) return;
  const before = core.snap(sub);
  const mark = core.eventMark();
  setPeriod(sub, start, end);
  const lines = [
    ...linesFromInvoiceItems(core, pendingInvoiceItems(core, customer.id, sub.id)),
    ...cycleLines(core, sub, start, end),
  ];
  const inv = createInvoice(core, {
    customer,
    subscription: sub,
    billingReason: "subscription_cycle",
    lines,
    created: start,
    periodStart: prevPeriod.start,
    periodEnd: prevPeriod.end,
    currency: sub.currency,
  });
  sub.latest_invoice = inv.id;
  core.emitUpdated("customer.subscription.updated", sub, before, mark);
  finalizeInvoice(core, inv);
  if (inv.status === "open" && inv.collection_method === "charge_automatically") {
    attemptInvoicePayment(core, inv, { offSession: true, automatic: true });
  }
}

export function renewSubscription(core: Core, sub: WSubscription): void {
  const prev = currentPeriod(sub);
  const next = nextBoundary(sub.billing_cycle_anchor, subscriptionInterval(sub), prev.end);
  billPeriod(core, sub, prev.end, next, prev);
}

export function endTrial(core: Core, sub: WSubscription, at: number): void {
  const customer = core.store.get("customers", String(sub.customer));
  if (!customer) return;
  const prev = currentPeriod(sub);
  if (!hasPaymentMethod(core, sub, customer)) {
    const behaviour = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
    if (behaviour === "cancel") {
      endSubscriptionAt(core, sub, at);
      return;
    }
    if (behaviour === "pause") {
      const before = core.snap(sub);
      sub.status = "paused";
      core.emitUpdated("customer.subscription.updated", sub, before);
      core.emit("customer.subscription.paused", sub);
      return;
    }
  }
  const before = core.snap(sub);
  sub.status = "active";
  core.emitUpdated("customer.subscription.updated", sub, before);
  billPeriod(core, sub, at, addIntervals(sub.billing_cycle_anchor, subscriptionInterval(sub), 1), prev);
}

function expireIncomplete(core: Core, sub: WSubscription, at: number): void {
  const before = core.snap(sub);
  sub.status = "incomplete_expired";
  sub.ended_at = at;
  const inv = core.store.get("invoices", typeof sub.latest_invoice === "string" ? sub.latest_invoice : null);
  if (inv && inv.status === "open") voidInvoice(core, inv, at);
  core.emitUpdated("customer.subscription.updated", sub, before);
}

export function voidInvoice(core: Core, inv: WInvoice, at: number): void {
  inv.status = "void";
  inv.status_transitions.voided_at = at;
  inv.amount_remaining = 0;
  inv.next_payment_attempt = null;
  inv.auto_advance = false;
  core.emit("invoice.voided", inv);
}

interface Action {
  at: number;
  /** Tie-break for actions at the same second. */
  rank: number;
  run: () => void;
}

function subscriptionActions(core: Core, sub: WSubscription): Action[] {
  const actions: Action[] = [];
  const period = currentPeriod(sub);
  if (sub.status === "trialing" && sub.trial_end !== null) {
    const trialEnd = sub.trial_end;
    const noticeKey = `${sub.id}:trial_will_end:${trialEnd}`;
    const noticeAt = trialEnd - TRIAL_WILL_END_NOTICE_SECONDS;
    if (!core.store.state.notices[noticeKey] && noticeAt > sub.created) {
      actions.push({
        at: noticeAt,
        rank: 0,
        run: () => {
          core.store.state.notices[noticeKey] = true;
          core.emit("customer.subscription.trial_will_end", sub);
        },
      });
    }
  }
  if (["active", "past_due", "trialing"].includes(sub.status)) {
    const cancelAt = sub.cancel_at;
    if (cancelAt !== null && cancelAt <= period.end) {
      actions.push({ at: cancelAt, rank: 1, run: () => endSubscriptionAt(core, sub, cancelAt) });
    } else if (sub.status === "trialing" && sub.trial_end !== null && sub.trial_end <= period.end) {
      const at = sub.trial_end;
      actions.push({ at, rank: 2, run: () => endTrial(core, sub, at) });
    } else {
      actions.push({ at: period.end, rank: 3, run: () => renewSubscription(core, sub) });
    }
  }
  if (sub.status === "incomplete") {
    const at = sub.created + INCOMPLETE_EXPIRY_SECONDS;
    actions.push({ at, rank: 5, run: () => expireIncomplete(core, sub, at) });
  }
  return actions;
}

function retryActions(core: Core, customerIds: Set<string>): Action[] {
  return core.store
    .all("invoices")
    .filter(
      (inv) =>
        inv.status === "open" &&
        inv.auto_advance &&
        inv.next_payment_attempt !== null &&
        customerIds.has(String(inv.customer)),
    )
    .map((inv) => ({
      at: inv.next_payment_attempt as number,
      rank: 4,
      run: () => {
        attemptInvoicePayment(core, inv, { offSession: true, automatic: true });
      },
    }));
}

/**
 * Moves a test clock to `target`, running every time-driven action of its customers in time
 * order: trial notices and ends, renewals, cancellations at period end, payment retries and
 * expiry of incomplete subscriptions. The clock reads each action's time while it runs.
 */
export function runClockTo(core: Core, clock: WTestClock, target: number): void {
  const customerIds = new Set(
    core.store
      .all("customers")
      .filter((c) => c.test_clock === clock.id && !core.store.state.deleted[c.id])
      .map((c) => c.id),
  );
  for (let guard = 0; guard < 10_000; guard++) {
    const candidates = [
      ...core.store
        .all("subscriptions")
        .filter((s) => customerIds.has(String(s.customer)))
        .flatMap((s) => subscriptionActions(core, s)),
      ...retryActions(core, customerIds),
    ].filter((a) => a.at <= target);
    if (candidates.length === 0) break;
    candidates.sort((a, b) => a.at - b.at || a.rank - b.rank);
    const next = candidates[0]!;
    clock.frozen_time = Math.max(clock.frozen_time, next.at);
    next.run();
  }
  clock.frozen_time = target;
}
