import "server-only";
import { eq, sql } from "drizzle-orm";
import { organizations, type PaymentMethodSummary } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import type { Stripe } from "@/lib/stripe/client";
import { lockedRead } from "./lock";
import { allWritten, statement } from "./statements";
import { fresh, idOf } from "./subscription-lookups";

const cardOnFile = statement<{ customer: string | null; card: PaymentMethodSummary | null }>(
  "billing_card_on_file",
  (db) =>
    db
      .select({ customer: organizations.stripeCustomerId, card: organizations.paymentMethod })
      .from(organizations)
      .where(eq(organizations.id, sql.placeholder("organizationId"))),
);
const setCardOnFile = statement("billing_set_card_on_file", (db) =>
  db
    .update(organizations)
    .set({
      // Placeholders in an update's set are run as its values (the types only name values).
      paymentMethod: sql.placeholder("card") as unknown as PaymentMethodSummary,
      updatedAt: sql.placeholder("updatedAt") as unknown as Date,
    })
    .where(eq(organizations.id, sql.placeholder("organizationId"))),
);

/**
 * The card on file: one definition, Stripe's customer default
 * (`invoice_settings.default_payment_method`), re-read under the organization's billing lock
 * whenever something about cards may have changed. This module is its only writer.
 */

export function summarize(pm: Stripe.PaymentMethod): PaymentMethodSummary {
  return {
    id: pm.id,
    brand: pm.card?.brand ?? pm.type,
    last4: pm.card?.last4 ?? "",
    expMonth: pm.card?.exp_month ?? 0,
    expYear: pm.card?.exp_year ?? 0,
  };
}

const same = (a: PaymentMethodSummary | null, b: PaymentMethodSummary | null) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The customer's default card as Stripe has it now (null: none, or the customer is gone). */
async function defaultCardOf(stripe: Stripe, customerId: string): Promise<PaymentMethodSummary | null | undefined> {
  const customer = await fresh(() =>
    stripe.customers.retrieve(customerId, { expand: ["invoice_settings.default_payment_method"] }),
  );
  if (customer === null) return undefined; // Stripe does not know it (any more)
  if ("deleted" in customer && customer.deleted) return null;
  const pm = (customer as Stripe.Customer).invoice_settings?.default_payment_method ?? null;
  if (!pm) return null;
  if (typeof pm !== "string") return summarize(pm);
  const read = await fresh(() => stripe.paymentMethods.retrieve(pm));
  return read ? summarize(read) : null;
}

export type CardFallback = {
  /** An event's copy of the customer (customer.updated), when Stripe no longer knows the customer. */
  customer?: Stripe.Customer;
  /** An event's copy of an attached card: shown only if nothing is on file and Stripe can't be asked. */
  attached?: Stripe.PaymentMethod;
};

/**
 * Re-read the organization's default card from Stripe and write it (with a
 * `payment_method.updated` audit row when it changed). Answers the card now on file.
 */
export async function syncCard(
  ctx: { db: Queryable; stripe: Stripe },
  input: { organizationId: string; actor: Actor; fallback?: CardFallback; audit?: boolean },
): Promise<PaymentMethodSummary | null> {
  const [org] = await lockedRead(ctx.db, input.organizationId, () =>
    cardOnFile(ctx.db, { organizationId: input.organizationId }),
  );
  if (!org?.customer) return org?.card ?? null;
  let card = await defaultCardOf(ctx.stripe, org.customer);
  if (card === undefined) {
    // Stripe does not know the customer: the event's own copy stands in.
    const fb = input.fallback;
    const pmId = idOf(fb?.customer?.invoice_settings?.default_payment_method ?? null);
    if (pmId) {
      const read = await fresh(() => ctx.stripe.paymentMethods.retrieve(pmId));
      card = read ? summarize(read) : (org.card ?? null);
    } else if (fb?.attached && fb.attached.type === "card" && !org.card) {
      card = summarize(fb.attached);
    } else {
      card = org.card ?? null;
    }
  }
  if (same(card, org.card ?? null)) return card;
  // The card and its audit row in one round trip (neither reads the other).
  const writes: Promise<unknown>[] = [
    setCardOnFile(ctx.db, { card, updatedAt: new Date(), organizationId: input.organizationId }),
  ];
  if (input.audit !== false) {
    writes.push(
      recordAudit(ctx.db, {
        actor: input.actor,
        action: "payment_method.updated",
        targetType: "payment_method",
        targetId: card?.id ?? org.card?.id ?? null,
        organizationId: input.organizationId,
        details: {
          before: org.card ? { brand: org.card.brand, last4: org.card.last4 } : null,
          after: card ? { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } : null,
        },
      }),
    );
  }
  await allWritten(writes);
  return card;
}

/** The organization whose card on file is this payment method (a detached card has no customer any more). */
export async function organizationOfCard(db: Queryable, paymentMethodId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`${organizations.paymentMethod}->>'id' = ${paymentMethodId}`)
    .limit(1);
  return row?.id ?? null;
}
