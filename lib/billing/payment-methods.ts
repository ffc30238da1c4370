import "server-only";
import { eq } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { z } from "zod";
import { organizations, type PaymentMethodSummary } from "@/db/schema";
import type { Queryable } from "@/db/types";
import type { Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { stripeCall } from "@/lib/stripe/errors";
import { summarize, syncCard } from "./card";
import { ensureCustomer } from "./customers";
import { syncInvoice } from "./invoice-sync";
import { idOf } from "./subscription-lookups";

/** Stripe's test payment methods offered by the card picker when running on the emulator or test mode. */
export const TEST_CARDS = [
  { id: "pm_card_visa", label: "Visa · succeeds", last4: "4242" },
  { id: "pm_card_mastercard", label: "Mastercard · succeeds", last4: "4444" },
  { id: "pm_card_chargeDeclined", label: "Visa · declined", last4: "0002" },
  { id: "pm_card_chargeDeclinedInsufficientFunds", label: "Visa · insufficient funds", last4: "9995" },
  { id: "pm_card_authenticationRequired", label: "Visa · needs 3D Secure authentication", last4: "3184" },
  { id: "pm_card_chargeCustomerFail", label: "Visa · attaches, then every charge fails", last4: "0341" },
] as const;

export const attachCardSchema = z.object({
  paymentMethod: z
    .string({ error: "Choose a card." })
    .regex(/^pm_[A-Za-z0-9_]+$/, "Choose a card.")
    .max(255),
});

/** Open invoices that had already failed (dunning), charged again with the new card. */
export type RetriedInvoices = { paid: number; stillOpen: number };

export type AttachResult =
  | { status: "succeeded"; card: PaymentMethodSummary; retried: RetriedInvoices }
  | { status: "requires_action"; setupIntentId: string; clientSecret: string | null };

export { summarize };

/**
 * Save a card as the organization's default through a SetupIntent (confirmed server-side for
 * test ids; for the Payment Element the browser confirms and `finalizeSetupIntent` follows).
 * A decline throws a payment_failed AppError; 3-D Secure returns `requires_action`.
 */
export async function attachPaymentMethod(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; paymentMethod: string; actor: Actor },
): Promise<AttachResult> {
  const { paymentMethod } = attachCardSchema.parse({ paymentMethod: input.paymentMethod });
  const customer = await ensureCustomer(db, stripe, input.organizationId);
  const intent = await stripeCall(() =>
    stripe.setupIntents.create({
      customer,
      payment_method: paymentMethod,
      confirm: true,
      usage: "off_session",
      allowed_payment_method_types: ["card"],
      metadata: { organization_id: input.organizationId },
    }),
  );
  if (intent.status === "requires_action") {
    return { status: "requires_action", setupIntentId: intent.id, clientSecret: intent.client_secret };
  }
  return finalizeIntent(db, stripe, input.organizationId, intent, input.actor);
}

/** A SetupIntent for Stripe's Payment Element (the browser collects and confirms the card). */
export async function createSetupIntent(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
): Promise<{ clientSecret: string }> {
  const customer = await ensureCustomer(db, stripe, organizationId);
  const intent = await stripeCall(() =>
    stripe.setupIntents.create({
      customer,
      usage: "off_session",
      allowed_payment_method_types: ["card"],
      metadata: { organization_id: organizationId },
    }),
  );
  if (!intent.client_secret) throw new AppError("internal", "The payment provider did not return a setup secret.");
  return { clientSecret: intent.client_secret };
}

/** After the browser confirmed a SetupIntent: make its card the default (checks it is this organization's). */
export async function finalizeSetupIntent(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; setupIntentId: string; actor: Actor },
): Promise<AttachResult> {
  const intent = await stripeCall(() => stripe.setupIntents.retrieve(input.setupIntentId));
  return finalizeIntent(db, stripe, input.organizationId, intent, input.actor);
}

async function finalizeIntent(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
  intent: Stripe.SetupIntent,
  actor: Actor,
): Promise<AttachResult> {
  const [org] = await db
    .select({ customer: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!org?.customer || idOf(intent.customer) !== org.customer)
    throw new AppError("not_found", "No such card setup for this organization.");
  if (intent.status === "requires_action")
    return { status: "requires_action", setupIntentId: intent.id, clientSecret: intent.client_secret };
  if (intent.status !== "succeeded") {
    throw new AppError(
      "payment_failed",
      intent.last_setup_error?.message ?? "The card could not be saved. Try another card.",
    );
  }
  const pmId = idOf(intent.payment_method);
  if (!pmId) throw new AppError("payment_failed", "The card could not be saved. Try another card.");
  await stripeCall(() =>
    stripe.customers.update(org.customer!, { invoice_settings: { default_payment_method: pmId } }),
  );
  const subs = await stripeCall(() => stripe.subscriptions.list({ customer: org.customer!, status: "all", limit: 10 }));
  for (const s of subs.data) {
    if (s.status !== "canceled" && s.status !== "incomplete_expired") {
      await stripeCall(() => stripe.subscriptions.update(s.id, { default_payment_method: pmId }));
    }
  }
  // The card on file is Stripe's customer default, re-read: the same writer as the webhooks'.
  const card = await db.transaction((tx) => syncCard({ db: tx, stripe }, { organizationId, actor }));
  if (!card) throw new AppError("payment_failed", "The card could not be saved. Try another card.");
  const retried = await retryFailedInvoices(db, stripe, organizationId, org.customer, pmId, actor);
  return { status: "succeeded", card, retried };
}

/**
 * A new card while payments are failing: charge the open invoices Stripe already tried, at
 * once, instead of waiting for its next retry. Our rows are written from Stripe's answers
 * (the invoice and the subscription, re-read), so the past-due banner goes away with this
 * request; the webhooks that follow find the same state. A card that fails too leaves the
 * invoice open: the card is still saved, and the answer says so.
 */
async function retryFailedInvoices(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
  customer: string,
  paymentMethod: string,
  actor: Actor,
): Promise<RetriedInvoices> {
  const open = await stripeCall(() => stripe.invoices.list({ customer, status: "open", limit: 20 }));
  const failed = open.data.filter((inv) => inv.id && inv.attempt_count > 0);
  const out: RetriedInvoices = { paid: 0, stillOpen: 0 };
  for (const inv of failed) {
    let result: Stripe.Invoice;
    try {
      result = await stripe.invoices.pay(inv.id!, { payment_method: paymentMethod });
    } catch {
      out.stillOpen++;
      continue;
    }
    if (result.status !== "paid") {
      out.stillOpen++;
      continue;
    }
    out.paid++;
    // The invoice and its subscription as Stripe has them now (the same writer as the webhooks').
    await db.transaction((tx) => syncInvoice({ db: tx, stripe }, { organizationId, invoiceId: result.id!, actor }));
  }
  return out;
}
