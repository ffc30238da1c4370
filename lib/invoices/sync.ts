import "server-only";
import { eq } from "drizzle-orm";
import { invoiceLines, invoices, organizations, type InvoiceStatus } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { parseMinorDecimal } from "@/lib/money";
import type { Stripe } from "@/lib/stripe/client";
import { isProrationLine } from "./amounts";

const fromUnix = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(s * 1000));
const idOf = (x: string | { id: string } | null | undefined) => (!x ? null : typeof x === "string" ? x : x.id);

export type InvoiceApply = {
  applied: boolean;
  invoiceId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
};

/** The subscription an invoice belongs to (the link moved under `parent` in 2025 API versions). */
export function invoiceSubscriptionId(inv: Stripe.Invoice): string | null {
  return idOf(inv.parent?.subscription_details?.subscription ?? null);
}

/** Which of our organizations an invoice's customer is. */
export async function organizationOfInvoice(
  db: Queryable,
  inv: Pick<Stripe.Invoice, "customer">,
): Promise<{ id: string } | null> {
  const customerId = idOf(inv.customer);
  if (!customerId) return null;
  const [org] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.stripeCustomerId, customerId))
    .limit(1);
  return org ?? null;
}

export type StoredInvoiceVersion = { id: string; last: number | null };

/** Our row of a Stripe invoice, and the `created` of the last event applied to it. */
export async function storedInvoiceVersion(
  db: Queryable,
  stripeInvoiceId: string,
): Promise<StoredInvoiceVersion | undefined> {
  const [row] = await db
    .select({ id: invoices.id, last: invoices.stripeLastEventCreated })
    .from(invoices)
    .where(eq(invoices.stripeInvoiceId, stripeInvoiceId))
    .limit(1);
  return row;
}

function lineKind(line: Stripe.InvoiceLineItem): "subscription" | "proration" | "other" {
  if (isProrationLine(line)) return "proration";
  if (line.parent?.type === "subscription_item_details") return "subscription";
  return "other";
}

/**
 * The period an invoice bills: the span of its lines' periods. Stripe's own invoice period is
 * the one usage would be metered for, which on a renewal is the period just ended and on a
 * subscription's first invoice is empty (start = end): shown as "Period" it read as the same
 * month billed twice. Prorations ride along on other invoices (credit for the unused rest of an
 * annual year on the invoice that starts a month): when an invoice has full-price lines, their
 * span is the period it bills; an invoice of prorations alone bills theirs. Stripe's period
 * stays the answer for an invoice whose lines have none.
 */
export function coveredPeriod(inv: Pick<Stripe.Invoice, "period_start" | "period_end" | "lines">): {
  periodStart: Date | null;
  periodEnd: Date | null;
} {
  const withPeriod = (inv.lines?.data ?? []).filter(
    (l) => l.period?.start != null && l.period.end != null && l.period.end > l.period.start,
  );
  const full = withPeriod.filter((l) => !isProrationLine(l));
  const lines = (full.length > 0 ? full : withPeriod).map((l) => l.period!);
  if (lines.length === 0) return { periodStart: fromUnix(inv.period_start), periodEnd: fromUnix(inv.period_end) };
  return {
    periodStart: fromUnix(Math.min(...lines.map((p) => p.start))),
    periodEnd: fromUnix(Math.max(...lines.map((p) => p.end))),
  };
}

/**
 * Mirror a Stripe invoice (and its lines) into our tables: absolute state, applied only when
 * `eventCreated` is not older than what the row last applied. Lines are replaced as a whole.
 */
export async function upsertStripeInvoice(
  db: Queryable,
  inv: Stripe.Invoice,
  opts: {
    eventCreated?: number;
    /** Already known by a caller that holds the organization's billing lock: saves the lookups. */
    known?: { organizationId: string; existing: StoredInvoiceVersion | undefined };
  } = {},
): Promise<InvoiceApply> {
  const subscriptionId = invoiceSubscriptionId(inv);
  const org = opts.known ? { id: opts.known.organizationId } : await organizationOfInvoice(db, inv);
  if (!org || !inv.id) return { applied: false, invoiceId: null, organizationId: org?.id ?? null, subscriptionId };
  const existing = opts.known ? opts.known.existing : await storedInvoiceVersion(db, inv.id);
  if (opts.eventCreated !== undefined && existing?.last != null && opts.eventCreated < existing.last) {
    return { applied: false, invoiceId: existing.id, organizationId: org.id, subscriptionId };
  }
  const values = {
    organizationId: org.id,
    source: "stripe" as const,
    stripeInvoiceId: inv.id,
    number: inv.number,
    status: (inv.status ?? "draft") as InvoiceStatus,
    currency: inv.currency,
    subtotalCents: inv.subtotal,
    taxCents: (inv.total_taxes ?? []).reduce((n, t) => n + t.amount, 0),
    totalCents: inv.total,
    amountDueCents: inv.amount_due,
    amountPaidCents: inv.amount_paid,
    ...coveredPeriod(inv),
    dueDate: fromUnix(inv.due_date),
    paidAt: inv.status === "paid" ? (fromUnix(inv.status_transitions?.paid_at ?? null) ?? new Date()) : null,
    hostedInvoiceUrl: inv.hosted_invoice_url ?? null,
    pdfUrl: inv.invoice_pdf ?? null,
    billingReason: inv.billing_reason,
    attemptCount: inv.attempt_count,
    nextPaymentAttempt: fromUnix(inv.next_payment_attempt),
    stripeLastEventCreated: Math.max(opts.eventCreated ?? 0, existing?.last ?? 0) || null,
    issuedAt: fromUnix(inv.created)!,
    updatedAt: new Date(),
  };
  const [row] = await db
    .insert(invoices)
    .values(values)
    .onConflictDoUpdate({ target: invoices.stripeInvoiceId, set: values })
    .returning({ id: invoices.id });
  const invoiceId = row!.id;
  await db.delete(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId));
  const lines = inv.lines?.data ?? [];
  if (lines.length > 0) {
    await db.insert(invoiceLines).values(
      lines.map((l, i) => ({
        invoiceId,
        stripeLineId: l.id,
        kind: lineKind(l),
        description: l.description ?? "",
        quantity: l.quantity ?? 1,
        unitAmountCents: parseMinorDecimal(l.pricing?.unit_amount_decimal?.toString()),
        amountCents: l.amount,
        currency: l.currency,
        periodStart: fromUnix(l.period?.start),
        periodEnd: fromUnix(l.period?.end),
        proration: lineKind(l) === "proration",
        position: i,
      })),
    );
  }
  return { applied: true, invoiceId, organizationId: org.id, subscriptionId };
}
