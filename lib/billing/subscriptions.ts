import "server-only";
import { eq } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { z } from "zod";
import { organizations, subscriptions, type Plan } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { FREE_PLAN_ID, applyOverrides, limitsOf } from "@/lib/plans";
import { compareRecurring, multiplyMinor } from "@/lib/money";
import { stripeCall } from "@/lib/stripe/errors";
import { getUsageOverview } from "@/lib/usage";
import { ensureCustomer } from "./customers";
import { checkFit } from "./fit";
import { ensureStripePrices, priceIdFor } from "./stripe-catalog";
import { lockOrganizationBilling, memberCount } from "./lock";
import { applyStripeSubscription } from "./subscription-sync";
import { attemptIdSchema, attemptKey, newAttemptId } from "./attempt";
import { assertStateUnchanged, previewStateSchema } from "./previewed-state";

export const planChangeSchema = z.object({
  planId: z.string({ error: "Choose a plan." }).min(1, "Choose a plan.").max(64),
  cycle: z.enum(["monthly", "annual"], { message: "Choose monthly or annual billing." }),
  /** One attempt of the customer (the dialog keeps it for a retry of the same request; a new one after a failure). */
  attemptId: attemptIdSchema.optional(),
  /**
   * The state the preview priced (its `stateToken`): the confirm is refused when the subscription
   * changed since (see lib/billing/previewed-state.ts). Server-side callers may leave it out.
   */
  previewState: previewStateSchema.optional(),
  /** Cancelling (to Free): why, if the customer wants to say (optional). */
  reason: z
    .string()
    .trim()
    .max(500, "Keep the reason under 500 characters.")
    .optional()
    .transform((r) => (r ? r : undefined)),
});
export type PlanChange = z.input<typeof planChangeSchema>;

async function loadState(db: Queryable, organizationId: string) {
  const [row] = await db
    .select({ sub: subscriptions, card: organizations.paymentMethod, customer: organizations.stripeCustomerId })
    .from(organizations)
    .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such organization.");
  return row;
}

/** Refuse a plan whose limits the organization's current use exceeds, saying what to reduce. */
export async function assertFits(db: Queryable, organizationId: string, target: Plan): Promise<void> {
  const overview = await getUsageOverview(db, organizationId);
  const limits = applyOverrides(limitsOf(target), overview.subscription?.limitOverrides);
  const problems = checkFit(overview.metrics, limits, target.name);
  if (problems.length > 0) {
    throw new AppError(
      "unprocessable",
      `Your current use doesn't fit the ${target.name} plan. ${problems.map((p) => p.message).join(" ")}`,
      {
        problems,
      },
    );
  }
}

function isLive(
  sub: { stripeSubscriptionId: string | null; status: string } | null | undefined,
): sub is { stripeSubscriptionId: string; status: string } {
  return Boolean(sub?.stripeSubscriptionId) && sub!.status !== "canceled" && sub!.status !== "incomplete_expired";
}

/**
 * Move an organization to a plan and cycle. From Free this creates the Stripe subscription;
 * between paid plans it updates it (charging the proration now for an increase); to Free it
 * cancels at the end of the period. Stripe stays the source of truth: our row is written from
 * its answer, and webhooks confirm.
 */
export async function changePlan(
  db: Queryable,
  stripe: Stripe,
  input: PlanChange & { organizationId: string; actor: Actor; prorationDate?: number; reason?: string },
) {
  const { planId, cycle, reason, previewState } = planChangeSchema.parse(input);
  const attemptId = input.attemptId ?? newAttemptId();
  if (planId === FREE_PLAN_ID)
    return cancelAtPeriodEnd(db, stripe, {
      organizationId: input.organizationId,
      actor: input.actor,
      reason,
      attemptId,
      previewState,
    });
  const plan = await ensureStripePrices(db, stripe, planId);
  const price = priceIdFor(plan, cycle);
  if (!price)
    throw new AppError(
      "unprocessable",
      `${plan.name} is priced per organization. Use "Contact us" and we'll set it up.`,
    );

  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const state = await loadState(tx, input.organizationId);
    const current = state.sub;
    if (isLive(current) && current.stripePriceId === price && !current.cancelAtPeriodEnd) {
      return { subscriptionId: current.stripeSubscriptionId, unchanged: true as const };
    }
    // After the check above, so a retry of an attempt that went through is answered, not refused.
    await assertStateUnchanged(tx, input.organizationId, previewState);
    if (!state.card) throw new AppError("unprocessable", "Add a card before choosing a paid plan.");
    await assertFits(tx, input.organizationId, plan);
    const seats = plan.perSeat ? Math.max(1, await memberCount(tx, input.organizationId)) : 1;
    let sub: Stripe.Subscription;
    if (isLive(current)) {
      const existing = await stripeCall(() => stripe.subscriptions.retrieve(current.stripeSubscriptionId));
      const item = existing.items.data[0]!;
      const before = {
        amount: multiplyMinor(item.price.unit_amount ?? 0, item.quantity ?? 1),
        months: item.price.recurring?.interval === "year" ? 12 : 1,
      };
      const after = {
        amount: multiplyMinor(
          cycle === "annual" ? plan.pricePerSeatAnnualCents! : plan.pricePerSeatMonthlyCents!,
          seats,
        ),
        months: cycle === "annual" ? 12 : 1,
      };
      // Stripe invoices an interval change at once; an increase is charged now, a decrease credited later.
      const increase = cycle !== current.billingCycle || compareRecurring(after, before) > 0;
      const params: Stripe.SubscriptionUpdateParams = {
        items: [{ id: item.id, price, quantity: seats }],
        proration_behavior: increase ? "always_invoice" : "create_prorations",
        payment_behavior: "error_if_incomplete",
        cancel_at_period_end: false,
        ...(input.prorationDate ? { proration_date: input.prorationDate } : {}),
        metadata: { organization_id: input.organizationId },
      };
      // The card is part of the attempt: Stripe charges the default card, which the request doesn't name.
      const idempotencyKey = attemptKey("change", attemptId, {
        update: existing.id,
        params,
        paymentMethod: state.card.id,
      });
      sub = await stripeCall(() => stripe.subscriptions.update(existing.id, params, { idempotencyKey }));
    } else {
      const customer = await ensureCustomer(tx, stripe, input.organizationId);
      const params: Stripe.SubscriptionCreateParams = {
        customer,
        items: [{ price, quantity: seats }],
        default_payment_method: state.card.id,
        payment_behavior: "error_if_incomplete",
        metadata: { organization_id: input.organizationId },
      };
      const idempotencyKey = attemptKey("subscribe", attemptId, { create: "subscription", params });
      sub = await stripeCall(() => stripe.subscriptions.create(params, { idempotencyKey }));
    }
    // One audit row for the change: this one (the sync's own row would repeat it).
    await applyStripeSubscription(tx, sub, { actor: input.actor, audit: false });
    await recordAudit(tx, {
      actor: input.actor,
      action: isLive(current) ? "subscription.plan_changed" : "subscription.created",
      targetType: "subscription",
      targetId: sub.id,
      organizationId: input.organizationId,
      details: {
        before: current ? { plan: current.planId, cycle: current.billingCycle } : null,
        after: { plan: plan.id, cycle, seats },
        ...(reason ? { reason } : {}),
      },
    });
    return { subscriptionId: sub.id, unchanged: false as const };
  });
}

/**
 * Cancel at the end of the period: always allowed (the organization then moves to Free and
 * keeps everything; limit checks refuse new resources over Free's limits). An optional reason
 * is kept at Stripe (`cancellation_details.comment`), on our row and in the audit log.
 */
export async function cancelAtPeriodEnd(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor; reason?: string; attemptId?: string; previewState?: string },
) {
  const reason = input.reason?.trim().slice(0, 500) || undefined;
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const { sub: current } = await loadState(tx, input.organizationId);
    if (!isLive(current)) throw new AppError("conflict", "This organization is already on the Free plan.");
    if (current.cancelAtPeriodEnd) return { subscriptionId: current.stripeSubscriptionId, unchanged: true as const };
    await assertStateUnchanged(tx, input.organizationId, input.previewState);
    const params: Stripe.SubscriptionUpdateParams = {
      cancel_at_period_end: true,
      cancellation_details: { comment: reason ?? "" },
    };
    const idempotencyKey = attemptKey("cancel", input.attemptId ?? newAttemptId(), {
      update: current.stripeSubscriptionId,
      params,
    });
    const sub = await stripeCall(() =>
      stripe.subscriptions.update(current.stripeSubscriptionId, params, { idempotencyKey }),
    );
    await applyStripeSubscription(tx, sub, { actor: input.actor, audit: false });
    await recordAudit(tx, {
      actor: input.actor,
      action: "subscription.cancel_scheduled",
      targetType: "subscription",
      targetId: sub.id,
      organizationId: input.organizationId,
      details: {
        effectiveAt: new Date((sub.items.data[0]?.current_period_end ?? 0) * 1000).toISOString(),
        before: { plan: current.planId, cancelAtPeriodEnd: current.cancelAtPeriodEnd },
        after: { plan: current.planId, cancelAtPeriodEnd: true },
        reason: reason ?? null,
      },
    });
    return { subscriptionId: sub.id, unchanged: false as const };
  });
}

/** Undo a scheduled cancellation. */
export async function resumeSubscription(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor },
) {
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const { sub: current } = await loadState(tx, input.organizationId);
    if (!isLive(current)) throw new AppError("conflict", "There is no subscription to resume. Choose a plan instead.");
    if (!current.cancelAtPeriodEnd) return { subscriptionId: current.stripeSubscriptionId, unchanged: true as const };
    const sub = await stripeCall(() =>
      stripe.subscriptions.update(current.stripeSubscriptionId, {
        cancel_at_period_end: false,
        cancellation_details: { comment: "" },
      }),
    );
    await applyStripeSubscription(tx, sub, { actor: input.actor });
    await recordAudit(tx, {
      actor: input.actor,
      action: "subscription.resumed",
      targetType: "subscription",
      targetId: sub.id,
      organizationId: input.organizationId,
    });
    return { subscriptionId: sub.id, unchanged: false as const };
  });
}
