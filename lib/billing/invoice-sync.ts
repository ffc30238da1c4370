import "server-only";
import { eq, sql } from "drizzle-orm";
import { invoices } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { invoiceSubscriptionId, upsertStripeInvoice } from "@/lib/invoices";
import { notify } from "@/lib/notify";
import type { Stripe } from "@/lib/stripe/client";
import { lockedRead } from "./lock";
import { statement } from "./statements";
import { fresh } from "./subscription-lookups";
import { syncSubscription } from "./subscription-sync";

const storedInvoice = statement<{ id: string; last: number | null; attempts: number; status: string }>(
  "billing_stored_invoice",
  (db) =>
    db
      .select({
        id: invoices.id,
        last: invoices.stripeLastEventCreated,
        attempts: invoices.attemptCount,
        status: invoices.status,
      })
      .from(invoices)
      .where(eq(invoices.stripeInvoiceId, sql.placeholder("invoice")))
      .limit(1),
);

/**
 * An invoice changed at Stripe (created, finalized, paid, failed, voided…): mirror it as Stripe
 * has it now, tell the owners about a payment attempt that failed (once per attempt, seen from
 * the invoice's own attempt count), then re-read its subscription, whose status — not the
 * invoice — says whether the organization is past due. A late `invoice.paid` of an older
 * invoice therefore changes nothing while another invoice keeps the subscription past due.
 */
export async function syncInvoice(
  ctx: { db: Queryable; stripe: Stripe },
  input: {
    organizationId: string;
    invoiceId: string;
    actor: Actor;
    now?: Date;
    /** Stripe `created` of the event: an event older than the last one applied to this invoice is already covered. */
    eventCreated?: number;
    /** The event's copy, used only when Stripe no longer knows the invoice. */
    fallback?: Stripe.Invoice;
  },
): Promise<{ applied: boolean }> {
  const { db } = ctx;
  const [stored] = await lockedRead(db, input.organizationId, () => storedInvoice(db, { invoice: input.invoiceId }));
  // A newer event of this invoice was processed after this one was created: it re-read
  // everything this one would (the invoice and its subscription) at a later moment.
  if (input.eventCreated !== undefined && stored?.last != null && input.eventCreated < stored.last) {
    return { applied: false };
  }
  const current = await fresh(() => ctx.stripe.invoices.retrieve(input.invoiceId));
  const invoice = current ?? input.fallback;
  if (!invoice) return { applied: false };
  const result = await upsertStripeInvoice(db, invoice, {
    eventCreated: input.eventCreated,
    known: {
      organizationId: input.organizationId,
      existing: stored ? { id: stored.id, last: stored.last } : undefined,
    },
  });
  if (!result.applied) return { applied: false };

  if (invoice.status === "open" && invoice.attempt_count > (stored?.attempts ?? 0)) {
    const details = {
      invoice: invoice.id,
      amountDue: invoice.amount_due,
      currency: invoice.currency,
      attempt: invoice.attempt_count,
      nextPaymentAttempt: invoice.next_payment_attempt,
    };
    await notify(db, "payment_failed", input.organizationId, details);
    await recordAudit(db, {
      actor: input.actor,
      action: "invoice.payment_failed",
      targetType: "invoice",
      targetId: invoice.id ?? null,
      organizationId: input.organizationId,
      details,
    });
  }
  // Paid now and not before: the receipt (and the platform's invoice.paid), once.
  if (invoice.status === "paid" && stored?.status !== "paid" && invoice.amount_paid > 0) {
    await notify(db, "invoice_paid", input.organizationId, {
      invoice: invoice.id,
      number: invoice.number ?? null,
      amountPaid: invoice.amount_paid,
      currency: invoice.currency,
      invoiceId: result.invoiceId,
    });
  }
  const subscriptionId = invoiceSubscriptionId(invoice);
  if (subscriptionId) {
    await syncSubscription(ctx, {
      organizationId: input.organizationId,
      subscriptionId,
      actor: input.actor,
      now: input.now,
      locked: true,
    });
  }
  return { applied: true };
}
