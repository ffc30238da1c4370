import "server-only";
import { eq, sql } from "drizzle-orm";
import { organizations, plans, subscriptions, type LimitKey, type LimitOverrides } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http/errors";
import { isUuid } from "./reason";
import {
  enterpriseTermsSchema,
  extendTrialSchema,
  removeLimitOverrideSchema,
  setLimitOverrideSchema,
  type EnterpriseTermsInput,
  type SetLimitOverrideInput,
} from "./schemas";

/**
 * Admin changes to an organization's local subscription terms. Each runs in one transaction
 * that locks the subscription row, changes it and records one audit row (who, what, before,
 * after, reason). Stripe is not called here: plan changes go through the billing service.
 */

type Locked = {
  organizationId: string;
  slug: string;
  subscriptionId: string;
  planId: string;
  planName: string;
  customPriced: boolean;
  status: string;
  trialEnd: Date | null;
  limitOverrides: LimitOverrides;
  customPricePerSeatCents: number | null;
  limits: Record<LimitKey, number | null>;
};

async function lockSubscription(tx: Queryable, organizationId: string): Promise<Locked> {
  if (!isUuid(organizationId)) throw new AppError("not_found", "No organization with that id.");
  const [row] = await tx
    .select({
      organizationId: organizations.id,
      slug: organizations.slug,
      subscriptionId: subscriptions.id,
      planId: plans.id,
      planName: plans.name,
      customPriced: sql<boolean>`${plans.pricePerSeatMonthlyCents} is null`.mapWith(Boolean),
      status: subscriptions.status,
      trialEnd: subscriptions.trialEnd,
      limitOverrides: subscriptions.limitOverrides,
      customPricePerSeatCents: subscriptions.customPricePerSeatCents,
      maxUsers: subscriptions.maxUsers,
      maxAgents: subscriptions.maxAgents,
      maxExecutionsPerMonth: subscriptions.maxExecutionsPerMonth,
      maxStorageGb: subscriptions.maxStorageGb,
      maxGateways: subscriptions.maxGateways,
    })
    .from(subscriptions)
    .innerJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(eq(subscriptions.organizationId, organizationId))
    .for("update", { of: subscriptions })
    .limit(1);
  if (!row) {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
    if (!org) throw new AppError("not_found", "No organization with that id.");
    throw new AppError("conflict", "This organization has no subscription yet, so there are no terms to change.");
  }
  const { maxUsers, maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways, ...rest } = row;
  return { ...rest, limits: { maxUsers, maxAgents, maxExecutionsPerMonth, maxStorageGb, maxGateways } };
}

/** Override one limit for this organization; a value of null lifts it (unlimited). */
export async function setLimitOverride(db: Queryable, organizationId: string, raw: SetLimitOverrideInput, actor: Actor) {
  const input = parseWith(setLimitOverrideSchema, raw, "limit override");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
    const before = sub.limitOverrides ?? {};
    const after: LimitOverrides = { ...before, [input.key]: input.value };
    await tx.update(subscriptions).set({ limitOverrides: after, updatedAt: sql`now()` }).where(eq(subscriptions.id, sub.subscriptionId));
    await recordAudit(tx, {
      actor,
      action: "subscription.limit_override_set",
      targetType: "subscription",
      targetId: sub.subscriptionId,
      organizationId,
      details: { limit: input.key, before: { limitOverrides: before }, after: { limitOverrides: after }, reason: input.reason },
    });
    return { limitOverrides: after };
  });
}

/** Remove an override: the plan's (or Enterprise terms') limit applies again. */
export async function removeLimitOverride(db: Queryable, organizationId: string, raw: { key: string; reason: string }, actor: Actor) {
  const input = parseWith(removeLimitOverrideSchema, raw, "request");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
    const before = sub.limitOverrides ?? {};
    if (!(input.key in before)) throw new AppError("not_found", `There is no override of ${input.key} on ${sub.slug}.`);
    const after: LimitOverrides = { ...before };
    delete after[input.key];
    await tx.update(subscriptions).set({ limitOverrides: after, updatedAt: sql`now()` }).where(eq(subscriptions.id, sub.subscriptionId));
    await recordAudit(tx, {
      actor,
      action: "subscription.limit_override_removed",
      targetType: "subscription",
      targetId: sub.subscriptionId,
      organizationId,
      details: { limit: input.key, before: { limitOverrides: before }, after: { limitOverrides: after }, reason: input.reason },
    });
    return { limitOverrides: after };
  });
}

/** Enterprise (custom-priced) organizations: their own five limits and price per seat per cycle. */
export async function setEnterpriseTerms(db: Queryable, organizationId: string, raw: EnterpriseTermsInput, actor: Actor) {
  const input = parseWith(enterpriseTermsSchema, raw, "Enterprise terms");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
    if (!sub.customPriced) {
      throw new AppError(
        "unprocessable",
        `Custom limits and price apply to a custom-priced plan (Enterprise); ${sub.slug} is on ${sub.planName}. Change its plan first.`,
      );
    }
    const limits = {
      maxUsers: input.maxUsers,
      maxAgents: input.maxAgents,
      maxExecutionsPerMonth: input.maxExecutionsPerMonth,
      maxStorageGb: input.maxStorageGb,
      maxGateways: input.maxGateways,
    };
    await tx
      .update(subscriptions)
      .set({ ...limits, customPricePerSeatCents: input.customPricePerSeatCents, updatedAt: sql`now()` })
      .where(eq(subscriptions.id, sub.subscriptionId));
    await recordAudit(tx, {
      actor,
      action: "subscription.enterprise_terms_set",
      targetType: "subscription",
      targetId: sub.subscriptionId,
      organizationId,
      details: {
        before: { limits: sub.limits, customPricePerSeatCents: sub.customPricePerSeatCents },
        after: { limits, customPricePerSeatCents: input.customPricePerSeatCents },
        reason: input.reason,
      },
    });
    return { limits, customPricePerSeatCents: input.customPricePerSeatCents };
  });
}

/** Push a running trial's end later by whole days (from the later of its end and now). */
export async function extendTrial(db: Queryable, organizationId: string, raw: { days: number | string; reason: string }, actor: Actor, now = new Date()) {
  const input = parseWith(extendTrialSchema, raw, "trial extension");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
    if (sub.status !== "trialing" || !sub.trialEnd) {
      throw new AppError("unprocessable", `${sub.slug} is not in a trial (its subscription is ${sub.status.replace("_", " ")}), so there is no trial to extend.`);
    }
    const from = Math.max(sub.trialEnd.getTime(), now.getTime());
    const trialEnd = new Date(from + input.days * 86_400_000);
    await tx.update(subscriptions).set({ trialEnd, updatedAt: sql`now()` }).where(eq(subscriptions.id, sub.subscriptionId));
    await recordAudit(tx, {
      actor,
      action: "subscription.trial_extended",
      targetType: "subscription",
      targetId: sub.subscriptionId,
      organizationId,
      details: { days: input.days, before: { trialEnd: sub.trialEnd.toISOString() }, after: { trialEnd: trialEnd.toISOString() }, reason: input.reason },
    });
    return { trialEnd };
  });
}
