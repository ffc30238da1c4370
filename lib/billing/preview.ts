import "server-only";
import { eq } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { organizations, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { FREE_PLAN_ID, applyOverrides, limitForMetric, limitsOf, type Limits } from "@/lib/plans";
import { applyCustomerBalance, multiplyMinor, type BalanceOutcome } from "@/lib/money";
import { stripeCall } from "@/lib/stripe/errors";
import { getUsageOverview } from "@/lib/usage";
import { checkFit, overLimits, type FitProblem, type OverLimit } from "./fit";
import { ensureStripePrices, priceIdFor } from "./stripe-catalog";
import { memberCount } from "./lock";
import type { PlanChange } from "./subscriptions";
import { encodeBillingState, readBillingState } from "./previewed-state";

export type ChangePreview = {
  planId: string;
  planName: string;
  cycle: "monthly" | "annual";
  seats: number;
  currency: string;
  /** What would be charged (positive) or credited (negative) now. */
  dueNowCents: number;
  /** The recurring amount per cycle after the change. */
  recurringCents: number;
  lines: { description: string; amountCents: number; proration: boolean }[];
  /** Lines that would be credited on the next invoice instead of charged now. */
  limits: Limits;
  fits: boolean;
  problems: FitProblem[];
  /**
   * Cancelling (to Free): what will be over Free's limits when it takes effect. It never blocks:
   * nothing is deleted, more of it is refused until the use fits or the plan is paid again.
   */
  overAfter: OverLimit[];
  /** When a downgrade to Free takes effect. */
  effectiveAt: Date | null;
  /** How Stripe's preview meets the customer's balance (why "due today" can be less than the total). */
  amounts: BalanceOutcome;
  /** The subscription state this preview priced: the confirm sends it back and is refused if it changed. */
  stateToken: string;
  /** Confirming a paid plan while a cancellation is scheduled also undoes it (the subscription renews). */
  undoesCancellation: boolean;
};

/** What a plan change would cost and change, before confirming it (the numbers come from Stripe). */
export async function previewPlanChange(
  db: Queryable,
  stripe: Stripe,
  input: PlanChange & { organizationId: string; prorationDate?: number },
): Promise<ChangePreview> {
  // Read before anything is priced: a change while the preview runs makes the confirm refuse, never pass.
  const state = await readBillingState(db, input.organizationId);
  const stateToken = encodeBillingState(state);
  const overview = await getUsageOverview(db, input.organizationId);
  const plan = await ensureStripePrices(db, stripe, input.planId);
  const limits = applyOverrides(limitsOf(plan), overview.subscription?.limitOverrides);
  const toFree = plan.id === FREE_PLAN_ID;
  // Fit is checked only for paid plans; cancelling is always allowed.
  const problems = toFree ? [] : checkFit(overview.metrics, limits, plan.name);
  const overAfter = toFree
    ? overLimits(
        overview.metrics
          .filter((m) => m.metric !== "executions")
          .map((m) => ({ metric: m.metric, used: m.used, limit: limitForMetric(limits, m.metric) })),
        plan.name,
      )
    : [];
  const seats = plan.perSeat ? Math.max(1, await memberCount(db, input.organizationId)) : 1;
  const base = {
    planId: plan.id,
    planName: plan.name,
    cycle: input.cycle,
    seats,
    currency: plan.currency,
    limits,
    fits: problems.length === 0,
    problems,
    overAfter,
    stateToken,
    undoesCancellation:
      !toFree && state.cancelAtPeriodEnd && state.subscription !== null && state.status !== "canceled",
  };

  if (toFree) {
    return {
      ...base,
      dueNowCents: 0,
      recurringCents: 0,
      lines: [],
      effectiveAt: overview.subscription?.currentPeriodEnd ?? null,
      amounts: applyCustomerBalance({ subtotalCents: 0, totalCents: 0, amountDueCents: 0, startingBalanceCents: 0 }),
    };
  }
  const price = priceIdFor(plan, input.cycle);
  const unit = input.cycle === "annual" ? plan.pricePerSeatAnnualCents : plan.pricePerSeatMonthlyCents;
  if (!price || unit === null)
    throw new AppError(
      "unprocessable",
      `${plan.name} is priced per organization. Use "Contact us" and we'll set it up.`,
    );
  const recurringCents = multiplyMinor(unit, seats);

  const [row] = await db
    .select({
      customer: organizations.stripeCustomerId,
      subId: subscriptions.stripeSubscriptionId,
      status: subscriptions.status,
    })
    .from(organizations)
    .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
    .where(eq(organizations.id, input.organizationId));
  const live = row?.subId && row.status !== "canceled";
  if (!live && row?.customer) {
    // A new subscription for a customer Stripe knows: its balance (credit left from an earlier
    // subscription) pays the first invoice first, so ask Stripe.
    const first = await stripeCall(() =>
      stripe.invoices.createPreview({
        customer: row.customer!,
        subscription_details: { items: [{ price, quantity: seats }] },
      }),
    );
    return {
      ...base,
      dueNowCents: first.amount_due,
      recurringCents,
      lines: first.lines.data.map((l) => ({
        description: l.description ?? "",
        amountCents: l.amount,
        proration: isProration(l),
      })),
      effectiveAt: null,
      amounts: amountsOf(first),
    };
  }
  if (!live || !row?.customer) {
    // A new subscription: the first invoice is the full recurring amount.
    return {
      ...base,
      dueNowCents: recurringCents,
      recurringCents,
      lines: [
        {
          description: `${plan.name} × ${seats} seat${seats === 1 ? "" : "s"} (${input.cycle})`,
          amountCents: recurringCents,
          proration: false,
        },
      ],
      effectiveAt: null,
      amounts: applyCustomerBalance({
        subtotalCents: recurringCents,
        totalCents: recurringCents,
        amountDueCents: recurringCents,
        startingBalanceCents: 0,
      }),
    };
  }
  const current = await stripeCall(() => stripe.subscriptions.retrieve(row.subId!));
  const item = current.items.data[0]!;
  const invoice = await stripeCall(() =>
    stripe.invoices.createPreview({
      customer: row.customer!,
      subscription: current.id,
      subscription_details: {
        items: [{ id: item.id, price, quantity: seats }],
        proration_behavior: "always_invoice",
        ...(input.prorationDate ? { proration_date: input.prorationDate } : {}),
      },
    }),
  );
  const lines = invoice.lines.data.map((l) => ({
    description: l.description ?? "",
    amountCents: l.amount,
    proration: isProration(l),
  }));
  return {
    ...base,
    dueNowCents: invoice.amount_due,
    recurringCents,
    lines,
    effectiveAt: null,
    amounts: amountsOf(invoice),
  };
}

function amountsOf(invoice: Stripe.Invoice): BalanceOutcome {
  return applyCustomerBalance({
    subtotalCents: invoice.subtotal,
    totalCents: invoice.total,
    amountDueCents: invoice.amount_due,
    startingBalanceCents: invoice.starting_balance ?? 0,
  });
}

export function isProration(line: Stripe.InvoiceLineItem): boolean {
  const p = line.parent;
  return Boolean(p?.subscription_item_details?.proration ?? p?.invoice_item_details?.proration ?? false);
}
