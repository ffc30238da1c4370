import "server-only";
import { eq, sql } from "drizzle-orm";
import { organizations, subscriptions, type LimitKey, type LimitOverrides } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { getStripe, type Stripe } from "@/lib/stripe/client";
import { stripeCall } from "@/lib/stripe/errors";
import { lockOrganizationBilling } from "./lock";
import { applyStripeSubscription } from "./subscription-sync";

/**
 * An organization's terms beside its Stripe subscription: per-organization limit overrides
 * (ours alone; Stripe has no notion of them) and the trial end (Stripe's when the subscription
 * is in Stripe: changed there first, then written from its answer). Each change and its one
 * audit row (who, what, before, after, reason) run in one transaction under the
 * organization's billing lock; the admin console (lib/admin) parses the input and calls these.
 */

type Locked = {
  organizationId: string;
  slug: string;
  subscriptionId: string;
  stripeSubscriptionId: string | null;
  status: string;
  trialEnd: Date | null;
  limitOverrides: LimitOverrides;
};

async function lockTerms(tx: Queryable, organizationId: string): Promise<Locked> {
  await lockOrganizationBilling(tx, organizationId);
  const [row] = await tx
    .select({
      organizationId: organizations.id,
      slug: organizations.slug,
      subscriptionId: subscriptions.id,
      stripeSubscriptionId: subscriptions.stripeSubscriptionId,
      status: subscriptions.status,
      trialEnd: subscriptions.trialEnd,
      limitOverrides: subscriptions.limitOverrides,
    })
    .from(subscriptions)
    .innerJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  if (!row) {
    const [org] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .limit(1);
    if (!org) throw new AppError("not_found", "No organization with that id.");
    throw new AppError("conflict", "This organization has no subscription yet, so there are no terms to change.");
  }
  return row;
}

async function saveOverrides(
  tx: Queryable,
  sub: Locked,
  change: { action: string; key: LimitKey; after: LimitOverrides; reason: string },
  actor: Actor,
): Promise<{ limitOverrides: LimitOverrides }> {
  await tx
    .update(subscriptions)
    .set({ limitOverrides: change.after, updatedAt: sql`now()` })
    .where(eq(subscriptions.id, sub.subscriptionId));
  await recordAudit(tx, {
    actor,
    action: change.action,
    targetType: "subscription",
    targetId: sub.subscriptionId,
    organizationId: sub.organizationId,
    details: {
      limit: change.key,
      before: { limitOverrides: sub.limitOverrides ?? {} },
      after: { limitOverrides: change.after },
      reason: change.reason,
    },
  });
  return { limitOverrides: change.after };
}

/** Override one limit for this organization; a value of null lifts it (unlimited). */
export async function setLimitOverride(
  db: Queryable,
  organizationId: string,
  input: { key: LimitKey; value: number | null; reason: string },
  actor: Actor,
) {
  return db.transaction(async (tx) => {
    const sub = await lockTerms(tx, organizationId);
    const after: LimitOverrides = { ...sub.limitOverrides, [input.key]: input.value };
    return saveOverrides(
      tx,
      sub,
      { action: "subscription.limit_override_set", key: input.key, after, reason: input.reason },
      actor,
    );
  });
}

/** Remove an override: the plan's (or Enterprise terms') limit applies again. */
export async function removeLimitOverride(
  db: Queryable,
  organizationId: string,
  input: { key: LimitKey; reason: string },
  actor: Actor,
) {
  return db.transaction(async (tx) => {
    const sub = await lockTerms(tx, organizationId);
    if (!(input.key in (sub.limitOverrides ?? {})))
      throw new AppError("not_found", `There is no override of ${input.key} on ${sub.slug}.`);
    const after: LimitOverrides = { ...sub.limitOverrides };
    delete after[input.key];
    return saveOverrides(
      tx,
      sub,
      { action: "subscription.limit_override_removed", key: input.key, after, reason: input.reason },
      actor,
    );
  });
}

/**
 * Push a running trial's end later by whole days (from the later of its end and now). A trial
 * of a Stripe subscription is extended in Stripe (no proration), and our row is written from
 * Stripe's answer, so Stripe never ends the trial and charges on the old date.
 */
export async function extendTrial(
  ctx: { db: Queryable; stripe?: Stripe },
  organizationId: string,
  input: { days: number; reason: string },
  actor: Actor,
  now = new Date(),
) {
  return ctx.db.transaction(async (tx) => {
    const sub = await lockTerms(tx, organizationId);
    if (sub.status !== "trialing" || !sub.trialEnd) {
      throw new AppError(
        "unprocessable",
        `${sub.slug} is not in a trial (its subscription is ${sub.status.replace("_", " ")}), so there is no trial to extend.`,
      );
    }
    const from = Math.max(sub.trialEnd.getTime(), now.getTime());
    let trialEnd = new Date(from + input.days * 86_400_000);
    if (sub.stripeSubscriptionId) {
      const stripe = ctx.stripe ?? getStripe();
      const updated = await stripeCall(() =>
        stripe.subscriptions.update(sub.stripeSubscriptionId!, {
          trial_end: Math.floor(trialEnd.getTime() / 1000),
          proration_behavior: "none",
        }),
      );
      await applyStripeSubscription(tx, updated, {
        actor,
        audit: false,
        now,
        known: {
          organizationId,
          existing: (await tx.select().from(subscriptions).where(eq(subscriptions.id, sub.subscriptionId)))[0],
        },
      });
      trialEnd = updated.trial_end ? new Date(updated.trial_end * 1000) : trialEnd;
    } else {
      await tx
        .update(subscriptions)
        .set({ trialEnd, updatedAt: sql`now()` })
        .where(eq(subscriptions.id, sub.subscriptionId));
    }
    await recordAudit(tx, {
      actor,
      action: "subscription.trial_extended",
      targetType: "subscription",
      targetId: sub.subscriptionId,
      organizationId,
      details: {
        days: input.days,
        before: { trialEnd: sub.trialEnd.toISOString() },
        after: { trialEnd: trialEnd.toISOString() },
        reason: input.reason,
      },
    });
    return { trialEnd };
  });
}
