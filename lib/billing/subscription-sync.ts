import "server-only";
import { eq, or } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import {
  organizations,
  plans,
  subscriptions,
  type Plan,
  type Subscription,
  type SubscriptionStatus,
} from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { calendarMonth } from "@/lib/plans/period";

/**
 * Writing Stripe's subscription state into our `subscriptions` row: absolute state from the
 * object, never increments. Shared by the billing service (after its own API calls) and the
 * webhook handlers. An event older than the one the row last applied is skipped.
 */

const fromUnix = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(s * 1000));

export type ApplyResult = {
  applied: boolean;
  organizationId: string | null;
  planId?: string;
  status?: SubscriptionStatus;
};

export function idOf(x: string | { id: string } | null | undefined): string | null {
  if (!x) return null;
  return typeof x === "string" ? x : x.id;
}

/** Which of our organizations does this Stripe customer or subscription belong to? */
export async function findOrganizationId(
  db: Queryable,
  sub: { metadata?: Stripe.Metadata | null; customer: string | { id: string } },
): Promise<string | null> {
  const fromMeta = sub.metadata?.organization_id;
  const customerId = idOf(sub.customer);
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(
      fromMeta && /^[0-9a-f-]{36}$/i.test(fromMeta)
        ? or(eq(organizations.id, fromMeta), eq(organizations.stripeCustomerId, customerId ?? ""))
        : eq(organizations.stripeCustomerId, customerId ?? ""),
    )
    .limit(1);
  return row?.id ?? null;
}

/**
 * Which plan and cycle a Stripe price stands for: a catalog price stored on the plan row, or a
 * per-organization price (Enterprise) that names its plan in `metadata.plan_id`.
 */
async function planForPrice(
  db: Queryable,
  price: Stripe.Price,
): Promise<{ plan: Plan; cycle: "monthly" | "annual"; custom: boolean } | null> {
  const [catalog] = await db
    .select()
    .from(plans)
    .where(or(eq(plans.stripePriceMonthlyId, price.id), eq(plans.stripePriceAnnualId, price.id)))
    .limit(1);
  if (catalog)
    return { plan: catalog, cycle: catalog.stripePriceAnnualId === price.id ? "annual" : "monthly", custom: false };
  const planId = price.metadata?.plan_id;
  if (!planId) return null;
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId)).limit(1);
  if (!plan) return null;
  return { plan, cycle: price.recurring?.interval === "year" ? "annual" : "monthly", custom: true };
}

const LIMIT_FIELDS = ["maxUsers", "maxAgents", "maxExecutionsPerMonth", "maxStorageGb", "maxGateways"] as const;
function limitsFromPlan(plan: Plan) {
  return Object.fromEntries(LIMIT_FIELDS.map((k) => [k, plan[k]])) as Pick<Subscription, (typeof LIMIT_FIELDS)[number]>;
}

/**
 * Apply a Stripe subscription to its organization's row. `eventCreated` (unix seconds) orders
 * webhook deliveries: an older event never overwrites a newer one. Objects fetched fresh from
 * the API are applied with `eventCreated` undefined (they are the latest by construction).
 */
export async function applyStripeSubscription(
  db: Queryable,
  sub: Stripe.Subscription,
  opts: {
    eventCreated?: number;
    actor: Actor;
    now?: Date;
    /** false: the caller records one audit row of its own for this change (default: a `subscription.updated` row here). */
    audit?: boolean;
    /** Already known by a caller that holds the organization's billing lock: saves the lookups. */
    known?: { organizationId: string; existing: Subscription | undefined };
  },
): Promise<ApplyResult> {
  const organizationId = opts.known?.organizationId ?? (await findOrganizationId(db, sub));
  if (!organizationId) return { applied: false, organizationId: null };
  const existing = opts.known
    ? opts.known.existing
    : (await db.select().from(subscriptions).where(eq(subscriptions.organizationId, organizationId)).limit(1))[0];
  if (
    opts.eventCreated !== undefined &&
    existing?.stripeLastEventCreated != null &&
    opts.eventCreated < existing.stripeLastEventCreated
  ) {
    return { applied: false, organizationId };
  }
  // A stale event about an older subscription of this organization must not replace the current one.
  if (existing?.stripeSubscriptionId && existing.stripeSubscriptionId !== sub.id && sub.status === "canceled") {
    return { applied: false, organizationId };
  }
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    await moveToFree(db, organizationId, {
      actor: opts.actor,
      reason: `stripe subscription ${sub.id} ${sub.status}`,
      eventCreated: opts.eventCreated,
      now: opts.now,
      audit: opts.audit,
    });
    return { applied: true, organizationId, planId: FREE_PLAN_ID, status: "active" };
  }

  const item = sub.items.data[0];
  if (!item) return { applied: false, organizationId };
  const match = await planForPrice(db, item.price);
  if (!match) throw new Error(`Stripe price ${item.price.id} is not mapped to any plan`);
  const { plan, cycle } = match;
  const status = sub.status as SubscriptionStatus;
  const now = opts.now ?? new Date();
  // Custom-priced plans (Enterprise) keep the limits set for the organization; the price comes from Stripe.
  const keepCustom = match.custom && plan.id === existing?.planId;
  const values = {
    organizationId,
    planId: plan.id,
    status,
    billingCycle: cycle,
    seats: item.quantity ?? 1,
    currentPeriodStart: fromUnix(item.current_period_start)!,
    currentPeriodEnd: fromUnix(item.current_period_end)!,
    stripeSubscriptionId: sub.id,
    stripeCustomerId: idOf(sub.customer),
    stripePriceId: item.price.id,
    cancelAtPeriodEnd: sub.cancel_at_period_end || sub.cancel_at !== null,
    canceledAt: fromUnix(sub.canceled_at),
    trialEnd: fromUnix(sub.trial_end),
    pastDueSince: status === "past_due" || status === "unpaid" ? (existing?.pastDueSince ?? now) : null,
    ...(keepCustom && existing ? limitsOf(existing) : limitsFromPlan(plan)),
    customPricePerSeatCents: match.custom
      ? (item.price.unit_amount ?? existing?.customPricePerSeatCents ?? null)
      : null,
    stripeLastEventCreated: Math.max(opts.eventCreated ?? 0, existing?.stripeLastEventCreated ?? 0) || null,
    updatedAt: now,
  };
  await db
    .insert(subscriptions)
    .values(values)
    .onConflictDoUpdate({ target: subscriptions.organizationId, set: values });
  const changed =
    !existing ||
    existing.planId !== plan.id ||
    existing.status !== status ||
    existing.billingCycle !== cycle ||
    existing.seats !== values.seats;
  if (changed && opts.audit !== false) {
    await recordAudit(db, {
      actor: opts.actor,
      action: "subscription.updated",
      targetType: "subscription",
      targetId: sub.id,
      organizationId,
      details: {
        before: existing
          ? { plan: existing.planId, status: existing.status, cycle: existing.billingCycle, seats: existing.seats }
          : null,
        after: { plan: plan.id, status, cycle, seats: values.seats },
      },
    });
  }
  return { applied: true, organizationId, planId: plan.id, status };
}

function limitsOf(s: Subscription) {
  return Object.fromEntries(LIMIT_FIELDS.map((k) => [k, s[k]])) as Pick<Subscription, (typeof LIMIT_FIELDS)[number]>;
}

/** The organization goes back to Free (its paid subscription ended). Nothing is deleted. */
export async function moveToFree(
  db: Queryable,
  organizationId: string,
  opts: { actor: Actor; reason: string; eventCreated?: number; now?: Date; audit?: boolean },
): Promise<void> {
  const [free] = await db.select().from(plans).where(eq(plans.id, FREE_PLAN_ID)).limit(1);
  if (!free) throw new Error("The Free plan is missing from the catalog");
  const [existing] = await db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  const period = calendarMonth(opts.now ?? new Date());
  const values = {
    organizationId,
    planId: FREE_PLAN_ID,
    status: "active" as const,
    billingCycle: "monthly" as const,
    seats: 1,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    stripeSubscriptionId: null,
    stripePriceId: null,
    cancelAtPeriodEnd: false,
    canceledAt: existing?.canceledAt ?? opts.now ?? new Date(),
    trialEnd: null,
    pastDueSince: null,
    ...limitsFromPlan(free),
    customPricePerSeatCents: null,
    stripeLastEventCreated: Math.max(opts.eventCreated ?? 0, existing?.stripeLastEventCreated ?? 0) || null,
    updatedAt: new Date(),
  };
  await db
    .insert(subscriptions)
    .values(values)
    .onConflictDoUpdate({ target: subscriptions.organizationId, set: values });
  if (existing?.planId !== FREE_PLAN_ID && opts.audit !== false) {
    await recordAudit(db, {
      actor: opts.actor,
      action: "subscription.moved_to_free",
      targetType: "subscription",
      targetId: existing?.stripeSubscriptionId ?? null,
      organizationId,
      details: { before: existing ? { plan: existing.planId, status: existing.status } : null, reason: opts.reason },
    });
  }
}
