import "server-only";
import { eq } from "drizzle-orm";
import { outbox, subscriptions } from "@/db/schema";
import { recordAudit, SYSTEM_STRIPE } from "@/lib/audit";
import { applyStripeSubscription, findOrganizationId } from "@/lib/billing/subscription-sync";
import { lockOrganizationBilling } from "@/lib/billing/subscriptions";
import type { Stripe } from "@/lib/stripe/client";
import { fresh } from "./fresh";
import type { HandlerContext } from "../types";

/**
 * customer.subscription.created|updated|deleted: write the subscription's absolute state.
 * Under the organization's billing lock (so it runs wholly before or after any change the
 * billing service is making), an event older than the last one applied is skipped, and the
 * others write the subscription as Stripe has it now, re-read, not as the event carried it.
 */
export async function applySubscriptionEvent({ tx, stripe, event, now }: HandlerContext): Promise<void> {
  const carried = event.data.object as Stripe.Subscription;
  const organizationId = await findOrganizationId(tx, carried);
  if (!organizationId) return; // not one of ours (another app on the same Stripe account)
  await lockOrganizationBilling(tx, organizationId);
  const [existing] = await tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  if (existing?.stripeLastEventCreated != null && event.created < existing.stripeLastEventCreated) return;
  const sub = await fresh(() => stripe.subscriptions.retrieve(carried.id), carried);
  await applyStripeSubscription(tx, sub, {
    eventCreated: event.created,
    actor: SYSTEM_STRIPE,
    now,
    known: { organizationId, existing },
  });
}

/** customer.subscription.trial_will_end: tell the owners (through the outbox) and keep a trail. */
export async function noteTrialEnding({ tx, event }: HandlerContext): Promise<void> {
  const sub = event.data.object as Stripe.Subscription;
  const organizationId = await findOrganizationId(tx, sub);
  if (!organizationId) return;
  const trialEnd = sub.trial_end ? new Date(sub.trial_end * 1000).toISOString() : null;
  await tx
    .update(subscriptions)
    .set({ trialEnd: sub.trial_end ? new Date(sub.trial_end * 1000) : null })
    .where(eq(subscriptions.organizationId, organizationId));
  await tx
    .insert(outbox)
    .values({ organizationId, kind: "trial_will_end", payload: { subscription: sub.id, trialEnd } });
  await recordAudit(tx, {
    actor: SYSTEM_STRIPE,
    action: "subscription.trial_will_end",
    targetType: "subscription",
    targetId: sub.id,
    organizationId,
    details: { trialEnd },
  });
}
