import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { organizations, plans, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { stripeCall } from "@/lib/stripe/errors";
import { ensureCustomer } from "./customers";
import { applyStripeSubscription } from "./subscription-sync";
import { lockOrganizationBilling, memberCount } from "./lock";
import { attemptKey, newAttemptId } from "./attempt";

// null (unlimited) first: coercion would turn it into a limit of 0.
const limitField = z.union([z.null(), z.coerce.number().int().min(0).max(1_000_000_000)]);

export const enterpriseTermsSchema = z.object({
  cycle: z.enum(["monthly", "annual"], { message: "Choose monthly or annual billing." }),
  pricePerSeatCents: z.coerce.number().int("The price is in cents: a whole number.").min(0).max(100_000_000),
  limits: z
    .object({
      maxUsers: limitField,
      maxAgents: limitField,
      maxExecutionsPerMonth: limitField,
      maxStorageGb: limitField,
      maxGateways: limitField,
    })
    .partial()
    .default({}),
});
export type EnterpriseTerms = z.input<typeof enterpriseTermsSchema>;

/**
 * Put an organization on Enterprise with its own price per seat and limits (platform admins).
 * Stripe follows: a per-organization price names its plan in metadata, and the subscription is
 * created or moved to it — charged to the card on file, or invoiced (30 days) when there is none.
 */
export async function setEnterpriseTerms(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor; reason: string; attemptId?: string } & EnterpriseTerms,
): Promise<{ subscriptionId: string }> {
  const terms = enterpriseTermsSchema.parse(input);
  const attemptId = input.attemptId ?? newAttemptId();
  const productId = await ensureEnterpriseProduct(db, stripe);
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const [row] = await tx
      .select({ sub: subscriptions, card: organizations.paymentMethod })
      .from(organizations)
      .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
      .where(eq(organizations.id, input.organizationId));
    if (!row) throw new AppError("not_found", "No such organization.");
    const customer = await ensureCustomer(tx, stripe, input.organizationId);
    const price = await stripeCall(() =>
      stripe.prices.create(
        {
          product: productId,
          currency: "usd",
          unit_amount: terms.pricePerSeatCents,
          recurring: { interval: terms.cycle === "annual" ? "year" : "month" },
          metadata: { plan_id: "enterprise", organization_id: input.organizationId },
          nickname: `Enterprise for ${input.organizationId}`,
        },
        { idempotencyKey: `enterprise-price-${input.organizationId}-${terms.cycle}-${terms.pricePerSeatCents}` },
      ),
    );
    const seats = Math.max(1, await memberCount(tx, input.organizationId));
    const current = row.sub;
    const live = current?.stripeSubscriptionId && current.status !== "canceled" ? current.stripeSubscriptionId : null;
    let sub: Stripe.Subscription;
    if (live) {
      const existing = await stripeCall(() => stripe.subscriptions.retrieve(live));
      const params: Stripe.SubscriptionUpdateParams = {
        items: [{ id: existing.items.data[0]!.id, price: price.id, quantity: seats }],
        proration_behavior: "create_prorations",
        cancel_at_period_end: false,
      };
      const idempotencyKey = attemptKey("enterprise-change", attemptId, {
        update: live,
        params,
        paymentMethod: row.card?.id ?? null,
      });
      sub = await stripeCall(() => stripe.subscriptions.update(live, params, { idempotencyKey }));
    } else {
      const params: Stripe.SubscriptionCreateParams = {
        customer,
        items: [{ price: price.id, quantity: seats }],
        metadata: { organization_id: input.organizationId },
        ...(row.card
          ? { default_payment_method: row.card.id }
          : { collection_method: "send_invoice", days_until_due: 30 }),
      };
      const idempotencyKey = attemptKey("enterprise-subscribe", attemptId, { create: "subscription", params });
      sub = await stripeCall(() => stripe.subscriptions.create(params, { idempotencyKey }));
    }
    // One audit row for the change: the terms row below (the sync's own row would repeat it).
    await applyStripeSubscription(tx, sub, { actor: input.actor, audit: false });
    // Limits: the plan's defaults, then whatever the deal sets.
    const [plan] = await tx.select().from(plans).where(eq(plans.id, "enterprise"));
    const limits = {
      maxUsers: plan!.maxUsers,
      maxAgents: plan!.maxAgents,
      maxExecutionsPerMonth: plan!.maxExecutionsPerMonth,
      maxStorageGb: plan!.maxStorageGb,
      maxGateways: plan!.maxGateways,
      ...terms.limits,
    };
    await tx
      .update(subscriptions)
      .set({ ...limits, customPricePerSeatCents: terms.pricePerSeatCents, updatedAt: new Date() })
      .where(eq(subscriptions.organizationId, input.organizationId));
    await recordAudit(tx, {
      actor: input.actor,
      action: "subscription.enterprise_terms_set",
      targetType: "subscription",
      targetId: sub.id,
      organizationId: input.organizationId,
      details: {
        before: current
          ? {
              plan: current.planId,
              cycle: current.billingCycle,
              customPricePerSeatCents: current.customPricePerSeatCents,
            }
          : null,
        after: { plan: "enterprise", cycle: terms.cycle, pricePerSeatCents: terms.pricePerSeatCents, limits, seats },
        reason: input.reason,
      },
    });
    return { subscriptionId: sub.id };
  });
}

async function ensureEnterpriseProduct(db: Queryable, stripe: Stripe): Promise<string> {
  const [plan] = await db.select({ productId: plans.stripeProductId }).from(plans).where(eq(plans.id, "enterprise"));
  if (!plan) throw new Error("The Enterprise plan is missing from the catalog");
  if (plan.productId) return plan.productId;
  const product = await stripeCall(() =>
    stripe.products.create(
      { name: "AgentBill Enterprise", metadata: { plan_id: "enterprise" } },
      { idempotencyKey: "product-enterprise" },
    ),
  );
  await db.update(plans).set({ stripeProductId: product.id }).where(eq(plans.id, "enterprise"));
  return product.id;
}
