import "server-only";
import { notify } from "@/lib/notify";
import { recordAudit, SYSTEM_STRIPE } from "@/lib/audit";
import { findOrganizationId, syncSubscription } from "@/lib/billing";
import type { EventOf, HandlerContext } from "../types";

type SubscriptionEvent = EventOf<
  | "customer.subscription.created"
  | "customer.subscription.updated"
  | "customer.subscription.deleted"
  | "customer.subscription.paused"
  | "customer.subscription.resumed"
  | "customer.subscription.trial_will_end"
>;

/**
 * customer.subscription.*: the subscription as Stripe has it now (re-read under the
 * organization's billing lock by lib/billing), not as the event carried it. The event's copy
 * only names the organization (metadata, customer) and stands in if Stripe no longer knows it.
 */
export async function onSubscriptionEvent(ctx: HandlerContext, event: SubscriptionEvent): Promise<string | null> {
  const sub = event.data.object;
  const organizationId = await findOrganizationId(ctx.tx, sub);
  if (!organizationId) return null; // not one of ours (another app on the same Stripe account)
  await syncSubscription(
    { db: ctx.tx, stripe: ctx.stripe },
    {
      organizationId,
      subscriptionId: sub.id,
      actor: SYSTEM_STRIPE,
      now: ctx.now,
      fallback: sub,
      eventCreated: event.created,
    },
  );
  return organizationId;
}

/** customer.subscription.trial_will_end: the state as above, and the owners are told (through the outbox). */
export async function onTrialWillEnd(
  ctx: HandlerContext,
  event: EventOf<"customer.subscription.trial_will_end">,
): Promise<void> {
  const organizationId = await onSubscriptionEvent(ctx, event);
  if (!organizationId) return;
  const sub = event.data.object;
  const trialEnd = sub.trial_end ? new Date(sub.trial_end * 1000).toISOString() : null;
  await notify(ctx.tx, "trial_will_end", organizationId, { subscription: sub.id, trialEnd });
  await recordAudit(ctx.tx, {
    actor: SYSTEM_STRIPE,
    action: "subscription.trial_will_end",
    targetType: "subscription",
    targetId: sub.id,
    organizationId,
    details: { trialEnd },
  });
}
