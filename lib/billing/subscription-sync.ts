import "server-only";
import { notifyPlatform } from "@/lib/notify";
import { eq, sql } from "drizzle-orm";
import { Stripe } from "@/lib/stripe/client";
import { plans, subscriptions, type Plan, type Subscription, type SubscriptionStatus } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { FREE_PLAN_ID, calendarMonth } from "@/lib/plans";
import { carryUsageAcrossChange, periodSourceOf, type PeriodSource } from "@/lib/usage";
import { lockedRead } from "./lock";
import { allWritten, statement } from "./statements";
import { findOrganizationId, fresh, idOf, planForPrice, subscriptionOf } from "./subscription-lookups";

/**
 * The one writer of an organization's subscription and dunning state (plan, status, cycle,
 * seats, periods, cancel flags, trial, past-due). Everything that changes it — the billing
 * service after its own Stripe calls, webhook processing, admin actions and resync — ends here,
 * with the subscription as Stripe has it now: an API answer, or a fresh re-read under the
 * organization's billing lock. Status and past-due are Stripe's subscription status, never
 * inferred from whichever invoice event arrived. Absolute state, never increments.
 */

const fromUnix = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(s * 1000));

export type ApplyResult = {
  applied: boolean;
  organizationId: string | null;
  planId?: string;
  status?: SubscriptionStatus;
};

/** The columns applyStripeSubscription writes (every one, every time: one statement, built once). */
const UPSERTED = [
  "organizationId",
  "planId",
  "status",
  "billingCycle",
  "seats",
  "currentPeriodStart",
  "currentPeriodEnd",
  "stripeSubscriptionId",
  "stripeCustomerId",
  "stripePriceId",
  "cancelAtPeriodEnd",
  "canceledAt",
  "cancellationReason",
  "trialEnd",
  "pastDueSince",
  "maxUsers",
  "maxAgents",
  "maxExecutionsPerMonth",
  "maxStorageGb",
  "maxGateways",
  "customPricePerSeatCents",
  "stripeLastEventCreated",
  "updatedAt",
  "usagePeriodsFrom",
] as const satisfies readonly (keyof typeof subscriptions.$inferInsert)[];
type UpsertedColumn = (typeof UPSERTED)[number];
const upsertSubscription = statement("billing_upsert_subscription", (db) => {
  const row = Object.fromEntries(
    UPSERTED.map((k) => [k, sql.placeholder(k)]),
  ) as unknown as typeof subscriptions.$inferInsert;
  return db.insert(subscriptions).values(row).onConflictDoUpdate({ target: subscriptions.organizationId, set: row });
});

type LimitValues = Pick<
  Subscription,
  "maxUsers" | "maxAgents" | "maxExecutionsPerMonth" | "maxStorageGb" | "maxGateways"
>;
function limitsOf(s: LimitValues): LimitValues {
  const { maxUsers, maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways } = s;
  return { maxUsers, maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways };
}
const limitsFromPlan: (plan: Plan) => LimitValues = limitsOf;

/** The period source of a stored row (the calendar without one). */
function sourceOf(row: Subscription | undefined): PeriodSource {
  if (!row) return { kind: "calendar", from: null };
  return periodSourceOf({ subscription: row, planId: row.planId, freePlanId: FREE_PLAN_ID });
}

/** Executions used this usage period survive a plan or cycle change (see lib/usage/period-carry). */
async function usagePeriodsFromAfter(
  db: Queryable,
  organizationId: string,
  existing: Subscription | undefined,
  after: {
    currentPeriodStart: Date;
    currentPeriodEnd: Date;
    billingCycle: "monthly" | "annual";
    stripeSubscriptionId: string | null;
    planId: string;
  },
  now: Date,
): Promise<Date | null> {
  const next = periodSourceOf({ subscription: after, planId: after.planId, freePlanId: FREE_PLAN_ID });
  const from = await carryUsageAcrossChange(db, { organizationId, before: sourceOf(existing), after: next, now });
  return from === undefined ? (existing?.usagePeriodsFrom ?? null) : from;
}

const ENDED: readonly string[] = ["canceled", "incomplete_expired"];
const DUNNING: readonly string[] = ["past_due", "unpaid"];
export function isLiveStatus(status: string): boolean {
  return !ENDED.includes(status);
}

export type ApplyOptions = {
  actor: Actor;
  now?: Date;
  /** false: the caller records one audit row of its own for this change (default: a `subscription.updated` row here). */
  audit?: boolean;
  /** Already known by the caller (it holds the organization's billing lock): saves the lookups. */
  known?: { organizationId: string; existing: Subscription | undefined };
  /**
   * "event": the object is an event's own copy because Stripe no longer knows it
   * (resource_missing). Only then does delivery order matter: an event older than the last one
   * applied is skipped. Objects from the API (answers, re-reads) are current by construction.
   */
  source?: "stripe" | "event";
  /** Stripe `created` of the event that led here (kept on the row; orders event copies). */
  eventCreated?: number;
};

/**
 * Write a Stripe subscription into its organization's row. The caller holds the organization's
 * billing lock and got `sub` from Stripe (an answer or a re-read). A subscription that is not
 * the organization's current one is applied only if it is live (a late event of an older,
 * ended subscription never replaces the current one).
 */
export async function applyStripeSubscription(
  db: Queryable,
  sub: Stripe.Subscription,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const organizationId = opts.known?.organizationId ?? (await findOrganizationId(db, sub));
  if (!organizationId) return { applied: false, organizationId: null };
  const existing = opts.known ? opts.known.existing : (await subscriptionOf(db, { organizationId }))[0];
  if (
    opts.source === "event" &&
    opts.eventCreated !== undefined &&
    existing?.stripeLastEventCreated != null &&
    opts.eventCreated < existing.stripeLastEventCreated
  ) {
    return { applied: false, organizationId };
  }
  const live = isLiveStatus(sub.status);
  if (existing?.stripeSubscriptionId && existing.stripeSubscriptionId !== sub.id && !live) {
    return { applied: false, organizationId };
  }
  const now = opts.now ?? new Date();
  if (!live) {
    await moveToFree(db, organizationId, {
      actor: opts.actor,
      reason: `stripe subscription ${sub.id} ${sub.status}`,
      cancellationReason: sub.cancellation_details?.comment || null,
      eventCreated: opts.eventCreated,
      now,
      audit: opts.audit,
      existing,
    });
    if (existing?.stripeSubscriptionId === sub.id)
      await notifyPlatform(db, "subscription.canceled", organizationId, {
        subscription: sub.id,
        plan: existing.planId,
        status: sub.status,
      });
    return { applied: true, organizationId, planId: FREE_PLAN_ID, status: "active" };
  }

  const item = sub.items.data[0];
  if (!item) return { applied: false, organizationId };
  const match = await planForPrice(db, item.price);
  if (!match) throw new Error(`Stripe price ${item.price.id} is not mapped to any plan`);
  const { plan, cycle } = match;
  const status = sub.status as SubscriptionStatus;
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
    // The customer's reason goes with a scheduled cancellation (a resumed subscription has none).
    cancellationReason:
      sub.cancel_at_period_end || sub.cancel_at !== null ? sub.cancellation_details?.comment || null : null,
    trialEnd: fromUnix(sub.trial_end),
    // Dunning is Stripe's status. When it started is when we first saw it (kept while it lasts).
    pastDueSince: DUNNING.includes(status)
      ? existing && DUNNING.includes(existing.status) && existing.pastDueSince
        ? existing.pastDueSince
        : now
      : null,
    ...(keepCustom && existing ? limitsOf(existing) : limitsFromPlan(plan)),
    customPricePerSeatCents: match.custom
      ? (item.price.unit_amount ?? existing?.customPricePerSeatCents ?? null)
      : null,
    stripeLastEventCreated: Math.max(opts.eventCreated ?? 0, existing?.stripeLastEventCreated ?? 0) || null,
    updatedAt: now,
  } satisfies Record<Exclude<UpsertedColumn, "usagePeriodsFrom">, unknown>;
  const usagePeriodsFrom = await usagePeriodsFromAfter(db, organizationId, existing, values, now);
  const changed =
    !existing ||
    existing.planId !== plan.id ||
    existing.status !== status ||
    existing.billingCycle !== cycle ||
    existing.seats !== values.seats;
  // The row, its audit rows (one after the other: they are numbered in order) and the platform
  // event are written together, in one round trip: none of them reads another.
  const writes: Promise<unknown>[] = [
    upsertSubscription(db, { ...values, usagePeriodsFrom } satisfies Record<UpsertedColumn, unknown>),
    (async () => {
      await recordTransition(db, { organizationId, subscriptionId: sub.id, existing, status, actor: opts.actor });
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
    })(),
  ];
  if (changed || existing?.cancelAtPeriodEnd !== values.cancelAtPeriodEnd) {
    writes.push(
      notifyPlatform(
        db,
        existing?.stripeSubscriptionId === sub.id ? "subscription.updated" : "subscription.created",
        organizationId,
        {
          subscription: sub.id,
          plan: plan.id,
          status,
          cycle,
          seats: values.seats,
          cancelAtPeriodEnd: values.cancelAtPeriodEnd,
          currentPeriodEnd: values.currentPeriodEnd.toISOString(),
        },
      ),
    );
  }
  await allWritten(writes);
  return { applied: true, organizationId, planId: plan.id, status };
}

/** Dunning starts or ends: one audit row at the transition, whichever writer saw it first. */
async function recordTransition(
  db: Queryable,
  t: {
    organizationId: string;
    subscriptionId: string;
    existing: Subscription | undefined;
    status: SubscriptionStatus;
    actor: Actor;
  },
): Promise<void> {
  const was = t.existing?.stripeSubscriptionId === t.subscriptionId ? t.existing.status : null;
  const wasDunning = was !== null && DUNNING.includes(was);
  const isDunning = DUNNING.includes(t.status);
  if (isDunning === wasDunning) return;
  if (!isDunning && was === null) return;
  await recordAudit(db, {
    actor: t.actor,
    action: isDunning ? "subscription.past_due" : "subscription.recovered",
    targetType: "subscription",
    targetId: t.subscriptionId,
    organizationId: t.organizationId,
    details: { before: { status: was }, after: { status: t.status } },
  });
}

/** The organization goes back to Free (its paid subscription ended). Nothing is deleted. */
export async function moveToFree(
  db: Queryable,
  organizationId: string,
  opts: {
    actor: Actor;
    reason: string;
    eventCreated?: number;
    now?: Date;
    audit?: boolean;
    existing?: Subscription | undefined;
    /** The customer's reason for cancelling, when the subscription ended that way (else the stored one stays). */
    cancellationReason?: string | null;
    /** A brand-new organization (sign-up) starts on Free: nothing was canceled. */
    newOrganization?: boolean;
  },
): Promise<void> {
  const [free] = await db.select().from(plans).where(eq(plans.id, FREE_PLAN_ID)).limit(1);
  if (!free) throw new Error("The Free plan is missing from the catalog");
  const existing =
    opts.existing ??
    (await db.select().from(subscriptions).where(eq(subscriptions.organizationId, organizationId)).limit(1))[0];
  const now = opts.now ?? new Date();
  const period = calendarMonth(now);
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
    canceledAt: opts.newOrganization ? null : (existing?.canceledAt ?? now),
    cancellationReason: opts.newOrganization ? null : (opts.cancellationReason ?? existing?.cancellationReason ?? null),
    trialEnd: null,
    pastDueSince: null,
    ...limitsFromPlan(free),
    customPricePerSeatCents: null,
    stripeLastEventCreated: Math.max(opts.eventCreated ?? 0, existing?.stripeLastEventCreated ?? 0) || null,
    updatedAt: now,
  };
  const usagePeriodsFrom = await usagePeriodsFromAfter(db, organizationId, existing, values, now);
  await db
    .insert(subscriptions)
    .values({ ...values, usagePeriodsFrom })
    .onConflictDoUpdate({ target: subscriptions.organizationId, set: { ...values, usagePeriodsFrom } });
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

/**
 * Re-read a subscription from Stripe under the organization's billing lock and write it: what
 * webhook processing, resync and the billing service call when something about it may have
 * changed. `fallback` (an event's copy) stands in only when Stripe no longer knows it.
 */
export async function syncSubscription(
  ctx: { db: Queryable; stripe: Stripe },
  input: {
    organizationId: string;
    subscriptionId: string;
    actor: Actor;
    now?: Date;
    fallback?: Stripe.Subscription;
    eventCreated?: number;
    audit?: boolean;
    /** The caller already holds the organization's billing lock in this transaction (one round trip less). */
    locked?: boolean;
  },
): Promise<ApplyResult> {
  const read = () => subscriptionOf(ctx.db, { organizationId: input.organizationId });
  const [existing] = input.locked ? await read() : await lockedRead(ctx.db, input.organizationId, read);
  const current = await fresh(() => ctx.stripe.subscriptions.retrieve(input.subscriptionId));
  const sub = current ?? input.fallback;
  if (!sub) return { applied: false, organizationId: input.organizationId };
  return applyStripeSubscription(ctx.db, sub, {
    actor: input.actor,
    now: input.now,
    audit: input.audit,
    known: { organizationId: input.organizationId, existing },
    source: current ? "stripe" : "event",
    eventCreated: input.eventCreated,
  });
}
