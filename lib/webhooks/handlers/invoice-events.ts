import "server-only";
import { SYSTEM_STRIPE } from "@/lib/audit";
import { findOrganizationId, idOf, syncInvoice } from "@/lib/billing";
import type { EventOf, HandlerContext } from "../types";

type InvoiceEvent = EventOf<
  | "invoice.created"
  | "invoice.finalized"
  | "invoice.updated"
  | "invoice.paid"
  | "invoice.payment_succeeded"
  | "invoice.payment_failed"
  | "invoice.payment_action_required"
  | "invoice.voided"
  | "invoice.marked_uncollectible"
>;

/**
 * invoice.*: lib/billing mirrors the invoice as Stripe has it now and re-reads its
 * subscription, whose status says whether the organization is past due (a paid invoice does
 * not, by itself, end dunning: another one may still be open).
 */
export async function onInvoiceEvent(ctx: HandlerContext, event: InvoiceEvent): Promise<void> {
  const invoice = event.data.object;
  if (!idOf(invoice.customer) || !invoice.id) return;
  const organizationId = await findOrganizationId(ctx.tx, { customer: invoice.customer });
  if (!organizationId) return;
  await syncInvoice(
    { db: ctx.tx, stripe: ctx.stripe },
    {
      organizationId,
      invoiceId: invoice.id,
      actor: SYSTEM_STRIPE,
      now: ctx.now,
      eventCreated: event.created,
      fallback: invoice,
    },
  );
}
