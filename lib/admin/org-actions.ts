import "server-only";
import { eq, sql } from "drizzle-orm";
import { organizations, subscriptions, type LimitKey, type LimitOverrides } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http/errors";
import { isUuid } from "./reason";
import {
  extendTrialSchema,
  removeLimitOverrideSchema,
  setLimitOverrideSchema,
  type SetLimitOverrideInput,
} from "./schemas";

/**
 * Admin changes to an organization's local subscription terms. Each runs in one transaction
 * that locks the subscription row, changes it and records one audit row (who, what, before,
 * after, reason). Stripe is not called here: plan changes and Enterprise terms go through the
 * billing service (app/admin/orgs/[id]/billing-ops.ts).
 */

type Locked = {
  organizationId: string;
  slug: string;
  subscriptionId: string;
  status: string;
  trialEnd: Date | null;
  limitOverrides: LimitOverrides;
};

async function lockSubscription(tx: Queryable, organizationId: string): Promise<Locked> {
  if (!isUuid(organizationId)) throw new AppError("not_found", "No organization with that id.");
  const [row] = await tx
    .select({
      organizationId: organizations.id,
      slug: organizations.slug,
      subscriptionId: subscriptions.id,
      status: subscriptions.status,
      trialEnd: subscriptions.trialEnd,
      limitOverrides: subscriptions.limitOverrides,
    })
    .from(subscriptions)
    .innerJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .where(eq(subscriptions.organizationId, organizationId))
    .for("update", { of: subscriptions })
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

/** Write the organization's new overrides and their one audit row (before, after, reason). */
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
  raw: SetLimitOverrideInput,
  actor: Actor,
) {
  const input = parseWith(setLimitOverrideSchema, raw, "limit override");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
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
  raw: { key: string; reason: string },
  actor: Actor,
) {
  const input = parseWith(removeLimitOverrideSchema, raw, "request");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
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

/** Push a running trial's end later by whole days (from the later of its end and now). */
export async function extendTrial(
  db: Queryable,
  organizationId: string,
  raw: { days: number | string; reason: string },
  actor: Actor,
  now = new Date(),
) {
  const input = parseWith(extendTrialSchema, raw, "trial extension");
  return db.transaction(async (tx) => {
    const sub = await lockSubscription(tx, organizationId);
    if (sub.status !== "trialing" || !sub.trialEnd) {
      throw new AppError(
        "unprocessable",
        `${sub.slug} is not in a trial (its subscription is ${sub.status.replace("_", " ")}), so there is no trial to extend.`,
      );
    }
    const from = Math.max(sub.trialEnd.getTime(), now.getTime());
    const trialEnd = new Date(from + input.days * 86_400_000);
    await tx
      .update(subscriptions)
      .set({ trialEnd, updatedAt: sql`now()` })
      .where(eq(subscriptions.id, sub.subscriptionId));
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
