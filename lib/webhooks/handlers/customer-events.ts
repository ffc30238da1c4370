import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { summarize } from "@/lib/billing/payment-methods";
import { idOf } from "@/lib/billing/subscription-sync";
import { Stripe } from "@/lib/stripe/client";
import type { HandlerContext } from "../types";

/** payment_method.attached: show the card if the organization has none on file yet. */
export async function cardAttached({ tx, event }: HandlerContext): Promise<void> {
  const pm = event.data.object as Stripe.PaymentMethod;
  const customer = idOf(pm.customer);
  if (!customer || pm.type !== "card") return;
  await tx
    .update(organizations)
    .set({ paymentMethod: summarize(pm), updatedAt: new Date() })
    .where(and(eq(organizations.stripeCustomerId, customer), sql`${organizations.paymentMethod} is null`));
}

/** payment_method.detached: forget the card if it was the one on file. */
export async function cardDetached({ tx, event }: HandlerContext): Promise<void> {
  const pm = event.data.object as Stripe.PaymentMethod;
  await tx
    .update(organizations)
    .set({ paymentMethod: null, updatedAt: new Date() })
    .where(sql`${organizations.paymentMethod}->>'id' = ${pm.id}`);
}

/** customer.updated: follow a change of default card made outside the app (e.g. Stripe's dashboard). */
export async function customerUpdated({ tx, stripe, event }: HandlerContext): Promise<void> {
  const customer = event.data.object as Stripe.Customer;
  const pmId = idOf(customer.invoice_settings?.default_payment_method ?? null);
  const [org] = await tx
    .select({ id: organizations.id, card: organizations.paymentMethod })
    .from(organizations)
    .where(eq(organizations.stripeCustomerId, customer.id))
    .limit(1);
  if (!org || !pmId || org.card?.id === pmId) return;
  try {
    const pm = await stripe.paymentMethods.retrieve(pmId);
    await tx
      .update(organizations)
      .set({ paymentMethod: summarize(pm), updatedAt: new Date() })
      .where(eq(organizations.id, org.id));
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
  }
}

/** setup_intent.succeeded / checkout.session.completed: the card or customer is handled by the service; link a customer made through Checkout. */
export async function checkoutCompleted({ tx, event }: HandlerContext): Promise<void> {
  const session = event.data.object as Stripe.Checkout.Session;
  const orgId = session.client_reference_id;
  const customer = idOf(session.customer);
  if (!orgId || !customer || !/^[0-9a-f-]{36}$/i.test(orgId)) return;
  await tx
    .update(organizations)
    .set({ stripeCustomerId: customer, updatedAt: new Date() })
    .where(and(eq(organizations.id, orgId), sql`${organizations.stripeCustomerId} is null`));
}

export async function recordOnly(): Promise<void> {}
