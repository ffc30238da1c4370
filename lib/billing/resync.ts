import "server-only";
import { eq } from "drizzle-orm";
import { organizations, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { upsertStripeInvoice } from "@/lib/invoices";
import type { Stripe } from "@/lib/stripe/client";
import { stripeCall } from "@/lib/stripe/errors";
import { syncCard } from "./card";
import { lockOrganizationBilling } from "./lock";
import { applyStripeSubscription, isLiveStatus, moveToFree } from "./subscription-sync";

export type ResyncReport = { subscription: string; invoices: number; card: string | null };

/** What the audit row compares: the local subscription's billing state and the card. */
async function billingState(db: Queryable, organizationId: string) {
  const [row] = await db
    .select({
      plan: subscriptions.planId,
      status: subscriptions.status,
      cycle: subscriptions.billingCycle,
      seats: subscriptions.seats,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      stripeSubscriptionId: subscriptions.stripeSubscriptionId,
      card: organizations.paymentMethod,
    })
    .from(organizations)
    .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId));
  if (!row) return null;
  const { card, ...sub } = row;
  return { ...sub, card: card ? `${card.brand} ${card.last4}` : null };
}

/**
 * Repair: make our rows equal Stripe's for one organization — its current subscription (or
 * Free when it has none), every invoice with its lines, and the card on file. Safe to repeat.
 * One audit row (`billing.resynced`: the report, before, after, and the reason when given) in
 * the same transaction.
 */
export async function resyncOrganization(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor; reason?: string },
): Promise<ResyncReport> {
  const [org] = await db
    .select({ customer: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  if (!org?.customer) return { subscription: "no Stripe customer: nothing to sync", invoices: 0, card: null };
  const customerId = org.customer;

  // Read under the organization's billing lock, so nothing else writes between Stripe's answer and ours.
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const before = await billingState(tx, input.organizationId);
    const subs = await stripeCall(() => stripe.subscriptions.list({ customer: customerId, status: "all", limit: 100 }));
    const invoices: Stripe.Invoice[] = [];
    for await (const inv of stripe.invoices.list({ customer: customerId, limit: 100 })) invoices.push(inv);
    const live = subs.data.find((s) => isLiveStatus(s.status));
    let subscription: string;
    // audit: false: this function's one row below records the change.
    if (live) {
      await applyStripeSubscription(tx, live, { actor: input.actor, audit: false });
      subscription = `${live.id} (${live.status})`;
    } else {
      await moveToFree(tx, input.organizationId, {
        actor: input.actor,
        reason: "resync: no live Stripe subscription",
        audit: false,
      });
      subscription = "none: on Free";
    }
    for (const inv of invoices) await upsertStripeInvoice(tx, inv);
    const summary = await syncCard(
      { db: tx, stripe },
      { organizationId: input.organizationId, actor: input.actor, audit: false },
    );
    const card = summary ? `${summary.brand} ${summary.last4}` : null;
    const report = { subscription, invoices: invoices.length, card };
    const after = await billingState(tx, input.organizationId);
    await recordAudit(tx, {
      actor: input.actor,
      action: "billing.resynced",
      targetType: "organization",
      targetId: input.organizationId,
      organizationId: input.organizationId,
      details: { ...report, before, after, ...(input.reason ? { reason: input.reason } : {}) },
    });
    return report;
  });
}
