import "server-only";
import { eq } from "drizzle-orm";
import { outbox, subscriptions } from "@/db/schema";
import { recordAudit, SYSTEM_STRIPE } from "@/lib/audit";
import { applyStripeSubscription, findOrganizationId } from "@/lib/billing/subscription-sync";
import { Stripe } from "@/lib/stripe/client";
import type { HandlerContext } from "../types";

/**
 * customer.subscription.created|updated|deleted: write the subscription's absolute state.
 * An event older than the last one applied is skipped; on a tie (same second) the object is
 * re-read from Stripe so the freshest state wins whatever the delivery order.
 */
export async function applySubscriptionEvent({ tx, stripe, event, now }: HandlerContext): Promise<void> {
  let sub = event.data.object as Stripe.Subscription;
  const organizationId = await findOrganizationId(tx, sub);
  if (!organizationId) return; // not one of ours (another app on the same Stripe account)
  const [row] = await tx
    .select({ last: subscriptions.stripeLastEventCreated })
    .from(subscriptions)
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  if (row?.last != null && event.created < row.last) return;
  if (row?.last != null && event.created === row.last) {
    try {
      sub = await stripe.subscriptions.retrieve(sub.id);
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
    }
  }
  await applyStripeSubscription(tx, sub, { eventCreated: event.created, actor: SYSTEM_STRIPE, now });
}

/** customer.subscription.trial_will_end: tell the owners (through the outbox) and keep a trail. */
export async function noteTrialEnding({ tx, event }: HandlerContext): Promise<void> {
  const sub = event.data.object as Stripe.Subscription;
  const organizationId = await findOrganizationId(tx, sub);
  if (!organizationId) return;
  const trialEnd = sub.trial_end ? new Date(sub.trial_end * 1000).toISOString() : null;
  await tx.update(subscriptions).set({ trialEnd: sub.trial_end ? new Date(sub.trial_end * 1000) : null }).where(eq(subscriptions.organizationId, organizationId));
  await tx.insert(outbox).values({ organizationId, kind: "trial_will_end", payload: { subscription: sub.id, trialEnd } });
  await recordAudit(tx, { actor: SYSTEM_STRIPE, action: "subscription.trial_will_end", targetType: "subscription", targetId: sub.id, organizationId, details: { trialEnd } });
}
