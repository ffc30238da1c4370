import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { outbox, subscriptions } from "@/db/schema";
import { lockOrganizationBilling } from "@/lib/billing/subscriptions";
import { recordAudit, SYSTEM_STRIPE } from "@/lib/audit";
import {
  invoiceSubscriptionId,
  organizationOfInvoice,
  storedInvoiceVersion,
  upsertStripeInvoice,
  type InvoiceApply,
} from "@/lib/invoices/sync";
import type { Stripe } from "@/lib/stripe/client";
import type { HandlerContext } from "../types";
import { fresh } from "./fresh";

/**
 * invoice.*: mirror the invoice as Stripe has it now (re-read), under the organization's
 * billing lock. An event older than the last one applied to the invoice is skipped before
 * asking Stripe anything.
 */
export async function mirrorInvoice({
  tx,
  stripe,
  event,
}: HandlerContext): Promise<InvoiceApply & { invoice: Stripe.Invoice }> {
  const carried = event.data.object as Stripe.Invoice;
  const org = await organizationOfInvoice(tx, carried);
  const subscriptionId = invoiceSubscriptionId(carried);
  if (!org || !carried.id)
    return { applied: false, invoiceId: null, organizationId: org?.id ?? null, subscriptionId, invoice: carried };
  await lockOrganizationBilling(tx, org.id);
  const existing = await storedInvoiceVersion(tx, carried.id);
  if (existing?.last != null && event.created < existing.last) {
    return { applied: false, invoiceId: existing.id, organizationId: org.id, subscriptionId, invoice: carried };
  }
  const invoice = await fresh(() => stripe.invoices.retrieve(carried.id!), carried);
  return {
    ...(await upsertStripeInvoice(tx, invoice, {
      eventCreated: event.created,
      known: { organizationId: org.id, existing },
    })),
    invoice,
  };
}

/**
 * invoice.payment_failed: dunning starts. The subscription goes past due (keeping the first
 * time it did), and the owners are told the amount and the next retry date.
 */
export async function startDunning(ctx: HandlerContext): Promise<void> {
  const result = await mirrorInvoice(ctx);
  if (!result.applied || !result.organizationId || !result.subscriptionId) return;
  const inv = result.invoice;
  if (inv.status === "paid" || inv.status === "void") return;
  const [sub] = await ctx.tx
    .select({ status: subscriptions.status, pastDueSince: subscriptions.pastDueSince })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.organizationId, result.organizationId),
        eq(subscriptions.stripeSubscriptionId, result.subscriptionId),
      ),
    );
  if (!sub || sub.status === "canceled") return;
  await ctx.tx
    .update(subscriptions)
    .set({
      status: sub.status === "unpaid" ? "unpaid" : "past_due",
      pastDueSince: sub.pastDueSince ?? ctx.now,
      updatedAt: ctx.now,
    })
    .where(eq(subscriptions.organizationId, result.organizationId));
  await ctx.tx.insert(outbox).values({
    organizationId: result.organizationId,
    kind: "payment_failed",
    payload: {
      invoice: inv.id,
      amountDue: inv.amount_due,
      currency: inv.currency,
      nextPaymentAttempt: inv.next_payment_attempt,
    },
  });
  await recordAudit(ctx.tx, {
    actor: SYSTEM_STRIPE,
    action: "subscription.past_due",
    targetType: "invoice",
    targetId: inv.id,
    organizationId: result.organizationId,
    details: {
      amountDue: inv.amount_due,
      currency: inv.currency,
      attempt: inv.attempt_count,
      nextPaymentAttempt: inv.next_payment_attempt,
    },
  });
}

/** invoice.paid / invoice.payment_succeeded: a paid invoice of the subscription ends dunning. */
export async function endDunning(ctx: HandlerContext): Promise<void> {
  const result = await mirrorInvoice(ctx);
  if (!result.applied || !result.organizationId || !result.subscriptionId) return;
  const inv = result.invoice;
  if (inv.status !== "paid") return;
  const cleared = await ctx.tx
    .update(subscriptions)
    .set({ status: "active", pastDueSince: null, updatedAt: ctx.now })
    .where(
      and(
        eq(subscriptions.organizationId, result.organizationId),
        eq(subscriptions.stripeSubscriptionId, result.subscriptionId),
        inArray(subscriptions.status, ["past_due", "unpaid"]),
      ),
    )
    .returning({ id: subscriptions.id });
  if (cleared.length > 0) {
    await recordAudit(ctx.tx, {
      actor: SYSTEM_STRIPE,
      action: "subscription.recovered",
      targetType: "invoice",
      targetId: inv.id,
      organizationId: result.organizationId,
    });
  }
}
