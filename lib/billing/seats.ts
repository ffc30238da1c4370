import "server-only";
import { eq } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { organizations, plans, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { multiplyMinor } from "@/lib/money";
import { stripeCall } from "@/lib/stripe/errors";
import { applyStripeSubscription } from "./subscription-sync";
import { lockOrganizationBilling, memberCount } from "./lock";
import { attemptKey, newAttemptId } from "./attempt";

async function perSeatSubscription(db: Queryable, organizationId: string) {
  const [row] = await db
    .select({
      sub: subscriptions,
      perSeat: plans.perSeat,
      customer: organizations.stripeCustomerId,
      card: organizations.paymentMethod,
      planName: plans.name,
    })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .innerJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  if (!row?.sub.stripeSubscriptionId || !row.perSeat || row.sub.status === "canceled") return null;
  return row;
}

/**
 * Seats follow membership: set the Stripe quantity to the member count. More seats are
 * charged now (prorated); fewer are credited on the next invoice. No-op off per-seat plans.
 */
export async function syncSeats(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor; attemptId?: string },
): Promise<{ seats: number; changed: boolean }> {
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const row = await perSeatSubscription(tx, input.organizationId);
    const seats = Math.max(1, await memberCount(tx, input.organizationId));
    if (!row || row.sub.seats === seats) return { seats, changed: false };
    const current = await stripeCall(() => stripe.subscriptions.retrieve(row.sub.stripeSubscriptionId!));
    const item = current.items.data[0]!;
    if (item.quantity === seats) {
      await applyStripeSubscription(tx, current, { actor: input.actor });
      return { seats, changed: false };
    }
    const increase = seats > (item.quantity ?? 1);
    const params: Stripe.SubscriptionUpdateParams = increase
      ? // A new seat is charged now; if the card fails, Stripe refuses the change and so do we.
        {
          items: [{ id: item.id, quantity: seats }],
          proration_behavior: "always_invoice",
          payment_behavior: "error_if_incomplete",
        }
      : { items: [{ id: item.id, quantity: seats }], proration_behavior: "create_prorations" };
    // One attempt with its exact parameters and the card it is charged to: a decline never answers the next one.
    const idempotencyKey = attemptKey("seats", input.attemptId ?? newAttemptId(), {
      update: current.id,
      params,
      paymentMethod: row.card?.id ?? null,
    });
    const updated = await stripeCall(() => stripe.subscriptions.update(current.id, params, { idempotencyKey }));
    await applyStripeSubscription(tx, updated, { actor: input.actor });
    await recordAudit(tx, {
      actor: input.actor,
      action: "subscription.seats_changed",
      targetType: "subscription",
      targetId: current.id,
      organizationId: input.organizationId,
      details: { before: item.quantity ?? 1, after: seats },
    });
    return { seats, changed: true };
  });
}

export type SeatPreview = {
  perSeat: boolean;
  currency: string;
  seatsAfter: number;
  /** Change of the recurring amount per cycle. */
  recurringDeltaCents: number;
  cycle: "monthly" | "annual";
  /** Prorated amount charged today for an added seat (0 when removing). */
  dueTodayCents: number;
};

/** What adding (+1) or removing (−1) a member does to the bill, from Stripe's own proration. */
export async function previewSeatChange(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; delta: 1 | -1 },
): Promise<SeatPreview | null> {
  const row = await perSeatSubscription(db, input.organizationId);
  if (!row || !row.customer) return null;
  const current = await stripeCall(() => stripe.subscriptions.retrieve(row.sub.stripeSubscriptionId!));
  const item = current.items.data[0]!;
  const seatsAfter = Math.max(1, (item.quantity ?? 1) + input.delta);
  const unit = item.price.unit_amount ?? 0;
  const base = {
    perSeat: true,
    currency: current.currency,
    seatsAfter,
    recurringDeltaCents: multiplyMinor(unit, seatsAfter - (item.quantity ?? 1)),
    cycle: row.sub.billingCycle,
  };
  if (input.delta < 0) return { ...base, dueTodayCents: 0 };
  const invoice = await stripeCall(() =>
    stripe.invoices.createPreview({
      customer: row.customer!,
      subscription: current.id,
      subscription_details: { items: [{ id: item.id, quantity: seatsAfter }], proration_behavior: "always_invoice" },
    }),
  );
  return { ...base, dueTodayCents: invoice.amount_due };
}
