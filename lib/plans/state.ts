import "server-only";
import { eq } from "drizzle-orm";
import { plans, subscriptions, type Plan, type Subscription } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { FREE_PLAN_ID } from "./catalog";
import { applyOverrides, limitsOf, type Limits } from "./limits";
import { calendarMonth, startingNoEarlierThan, usagePeriodAt, type Period } from "./period";

export type PlanState = {
  plan: Plan;
  subscription: Subscription | null;
  /** Limits in force now: plan or custom limits, then overrides, then the dunning fallback. */
  limits: Limits;
  /** The usage period containing `now` (limits are per month). */
  usagePeriod: Period;
  /** True when the organization is past due beyond the grace period and runs on Free's limits. */
  degradedToFree: boolean;
};

/** Pure: the limits in force for a subscription at `now`. */
export function effectiveLimits(
  sub: Pick<Subscription, "status" | "pastDueSince" | "limitOverrides" | LimitColumns>,
  free: Limits,
  now: Date,
  graceDays: number,
): { limits: Limits; degradedToFree: boolean } {
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return { limits: free, degradedToFree: false };
  const pastDueTooLong =
    (sub.status === "past_due" || sub.status === "unpaid") &&
    sub.pastDueSince !== null &&
    now.getTime() - sub.pastDueSince.getTime() > graceDays * 86_400_000;
  if (pastDueTooLong) return { limits: free, degradedToFree: true };
  return { limits: applyOverrides(limitsOf(sub), sub.limitOverrides), degradedToFree: false };
}
type LimitColumns = "maxUsers" | "maxAgents" | "maxExecutionsPerMonth" | "maxStorageGb" | "maxGateways";

export async function getPlan(db: Queryable, id: string): Promise<Plan | null> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id)).limit(1);
  return row ?? null;
}

export async function getPlanState(db: Queryable, organizationId: string, now = new Date()): Promise<PlanState> {
  const [row] = await db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  const free = await getPlan(db, FREE_PLAN_ID);
  if (!free) throw new Error("The plan catalog is missing: run the migrations (`npm run db:migrate`), which write it.");
  return resolvePlanState(row ?? null, free, now, env().dunningGraceDays);
}

/** Pure: the plan state from an organization's subscription (with its plan), or none, and the Free plan. */
export function resolvePlanState(
  row: { subscription: Subscription; plan: Plan } | null,
  free: Plan,
  now: Date,
  graceDays: number,
): PlanState {
  const freeLimits = limitsOf(free);
  if (!row) {
    return {
      plan: free,
      subscription: null,
      limits: freeLimits,
      usagePeriod: calendarMonth(now),
      degradedToFree: false,
    };
  }
  const { subscription, plan } = row;
  const { limits, degradedToFree } = effectiveLimits(subscription, freeLimits, now, graceDays);
  const paid = subscription.stripeSubscriptionId !== null || plan.id !== FREE_PLAN_ID;
  const sliced = paid
    ? usagePeriodAt(
        { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd },
        subscription.billingCycle,
        now,
      )
    : calendarMonth(now);
  // A plan or cycle change in the middle of a usage period started the current one at the change.
  const usagePeriod = startingNoEarlierThan(sliced, subscription.usagePeriodsFrom, now);
  return { plan, subscription, limits, usagePeriod, degradedToFree };
}
