import type { Core } from "../core/core";
import { StripeApiError } from "../core/errors";
import type { WCustomer, WInvoice, WSubscription } from "../core/wire";
import { must } from "../resources/common";
import { type DraftLine, buildInvoice, linesFromInvoiceItems, pendingInvoiceItems } from "./invoices";
import { addIntervals, nextBoundary } from "./periods";
import { type UpdateSubscriptionInput, updateSubscription } from "./subscription-update";
import {
  type CreateSubscriptionInput,
  createSubscription,
  currentPeriod,
  cycleLines,
  subscriptionInterval,
} from "./subscriptions";

export interface PreviewInput {
  customer?: string;
  subscription?: string;
  /** Changes to preview (subscription_details): applied to a throw-away copy of the state. */
  update?: Omit<UpdateSubscriptionInput, "paymentBehavior" | "offSession">;
  create?: Omit<CreateSubscriptionInput, "paymentBehavior" | "offSession" | "customer">;
}

function noUpcoming(customerId: string): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "invoice_upcoming_none",
    message: `No upcoming invoices for customer: ${customerId}`,
  });
}

function linesOf(core: Core, inv: WInvoice): DraftLine[] {
  return inv.lines.data.map((l) => {
    const details = l.parent?.subscription_item_details;
    const priceId = l.pricing?.price_details?.price;
    return {
      amount: l.amount,
      description: l.description ?? "",
      period: { ...l.period },
      price: core.store.get("prices", typeof priceId === "string" ? priceId : priceId?.id) ?? null,
      quantity: l.quantity ?? 1,
      proration: details?.proration ?? l.parent?.invoice_item_details?.proration ?? false,
      subscription: typeof l.subscription === "string" ? l.subscription : null,
      subscriptionItem: details?.subscription_item ?? null,
      invoiceItem: details?.invoice_item ?? l.parent?.invoice_item_details?.invoice_item ?? null,
    };
  });
}

function asPreview(
  core: Core,
  customer: WCustomer,
  sub: WSubscription,
  lines: DraftLine[],
  args: { created: number; periodStart: number; periodEnd: number; prorationDate?: number },
): WInvoice {
  const hasProrations = lines.some((l) => l.proration);
  return buildInvoice(core, {
    customer,
    subscription: sub,
    billingReason: "upcoming",
    lines,
    created: args.created,
    periodStart: args.periodStart,
    periodEnd: args.periodEnd,
    currency: sub.currency,
    preview: true,
    prorationDate: hasProrations ? args.prorationDate : undefined,
  });
}

/** The next invoice a subscription will produce on its own (renewal or end of trial). */
function renewalPreview(core: Core, customer: WCustomer, sub: WSubscription, prorationDate?: number): WInvoice {
  if (
    !["active", "past_due", "trialing"].includes(sub.status) ||
    sub.cancel_at_period_end ||
    (sub.cancel_at !== null && sub.cancel_at <= currentPeriod(sub).end)
  ) {
    throw noUpcoming(customer.id);
  }
  const period = currentPeriod(sub);
  const iv = subscriptionInterval(sub);
  const end =
    sub.status === "trialing"
      ? addIntervals(period.end, iv, 1)
      : nextBoundary(sub.billing_cycle_anchor, iv, period.end);
  const lines = [
    ...linesFromInvoiceItems(core, pendingInvoiceItems(core, customer.id, sub.id)),
    ...cycleLines(core, sub, period.end, end),
  ];
  return asPreview(core, customer, sub, lines, {
    created: period.end,
    periodStart: period.start,
    periodEnd: period.end,
    prorationDate,
  });
}

/**
 * POST /v1/invoices/create_preview. With `subscription_details` the changes are applied in a
 * sandbox: if they bill immediately (interval change, `always_invoice`, anchor reset) that
 * invoice is returned, otherwise the next renewal invoice with the pending prorations.
 */
export function previewInvoice(core: Core, input: PreviewInput): WInvoice {
  return core.sandbox(() => {
    const sub = input.subscription ? must(core, "subscriptions", input.subscription, "subscription") : undefined;
    const customerId = input.customer ?? (sub ? String(sub.customer) : undefined);
    if (!customerId)
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        message: "Missing required param: customer.",
        param: "customer",
        code: "parameter_missing",
      });
    const customer = must(core, "customers", customerId, "customer");
    const balance = customer.balance;
    const known = new Set(core.store.all("invoices").map((i) => i.id));
    const freshInvoice = () => core.store.all("invoices").find((i) => !known.has(i.id));

    if (sub && input.update) {
      const prorationDate = input.update.prorationDate ?? core.now(customerId);
      updateSubscription(core, sub, {
        ...input.update,
        prorationDate,
        paymentBehavior: "default_incomplete",
        offSession: true,
      });
      const immediate = freshInvoice();
      customer.balance = balance;
      if (immediate) {
        return asPreview(core, customer, sub, linesOf(core, immediate), {
          created: immediate.created,
          periodStart: immediate.period_start,
          periodEnd: immediate.period_end,
          prorationDate,
        });
      }
      return renewalPreview(core, customer, sub, prorationDate);
    }
    if (sub) return renewalPreview(core, customer, sub);
    if (input.create) {
      const created = createSubscription(core, {
        ...input.create,
        customer: customerId,
        paymentBehavior: "default_incomplete",
        offSession: false,
      });
      const first = freshInvoice();
      customer.balance = balance;
      if (!first) throw noUpcoming(customerId);
      return asPreview(core, customer, created, linesOf(core, first), {
        created: first.created,
        periodStart: first.period_start,
        periodEnd: first.period_end,
      });
    }
    const candidates = core.store
      .all("subscriptions")
      .filter(
        (s) =>
          s.customer === customerId && ["active", "past_due", "trialing"].includes(s.status) && !s.cancel_at_period_end,
      )
      .sort((a, b) => currentPeriod(a).end - currentPeriod(b).end);
    const next = candidates[0];
    if (!next) throw noUpcoming(customerId);
    return renewalPreview(core, customer, next);
  });
}
