import type { InvoiceStatus } from "@/db/schema";
import type { Invoice, InvoiceLine } from "@/db/schema";
import type { SellerDetails } from "@/lib/env";
import { formatDate, formatDateRange } from "@/lib/format";
import { formatMoney, negateMinor } from "@/lib/money";
import { amountRemainingCents, balanceAppliedCents, isCreditInvoice, lineUnitPrice } from "./amounts";
import type { UsageBreakdown } from "./usage";

/**
 * An invoice as a document: the one rule the invoice page and the PDF both print. Who issued it
 * (the seller from configuration), who it is made out to (the organization's billing details),
 * its facts, lines (a unit price only where unit × quantity is the amount), totals (with the
 * credit balance it used or added), a sentence when nothing is to pay, and the usage of the
 * period it bills. Pure; money and dates are formatted by the renderer's locale.
 */

export type DocumentParty = {
  name: string;
  addressLines: string[];
  email: string | null;
  taxId: { label: string; value: string } | null;
};

export type DocumentLine = {
  id: string;
  description: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  proration: boolean;
  quantity: number;
  /** Shown only when unit × quantity equals the amount. */
  unitCents: number | null;
  amountCents: number;
};

export type DocumentTotal = {
  key: "subtotal" | "tax" | "total" | "credit_used" | "balance_added" | "credited" | "paid" | "due";
  label: string;
  cents: number;
  strong: boolean;
};

export type InvoiceDocument = {
  id: string;
  /** "Invoice", or "Credit" when the total is below zero. */
  kind: "invoice" | "credit";
  number: string | null;
  status: Invoice["status"];
  currency: string;
  issuedAt: Date;
  dueDate: Date | null;
  paidAt: Date | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  memo: string | null;
  source: Invoice["source"];
  hostedInvoiceUrl: string | null;
  seller: DocumentParty;
  customer: DocumentParty;
  lines: DocumentLine[];
  totals: DocumentTotal[];
  /** Why nothing (or less than the total) is due, in one sentence; null when the totals say it all. */
  note: { kind: "credit" | "paid_from_credit" | "balance_added"; cents: number } | null;
  usage: UsageBreakdown | null;
};

export type DocumentInput = {
  invoice: Invoice;
  lines: InvoiceLine[];
  customer: DocumentParty;
  usage: UsageBreakdown | null;
};

export function sellerParty(seller: SellerDetails): DocumentParty {
  return {
    name: seller.name,
    addressLines: seller.addressLines,
    email: seller.email,
    taxId: seller.taxId ? { label: "Tax ID", value: seller.taxId } : null,
  };
}

/** Pure: the document of an invoice. */
export function invoiceDocument(input: DocumentInput, seller: SellerDetails): InvoiceDocument {
  const inv = input.invoice;
  // A credit-only invoice; unless an owed balance swallowed the credit (then Stripe still asks for the rest).
  const credit = isCreditInvoice(inv) && !(inv.source === "stripe" && inv.amountDueCents > 0);
  const applied = balanceAppliedCents(inv);
  const totals: DocumentTotal[] = [{ key: "subtotal", label: "Subtotal", cents: inv.subtotalCents, strong: false }];
  if (inv.taxCents !== 0) totals.push({ key: "tax", label: "Tax", cents: inv.taxCents, strong: false });
  totals.push({ key: "total", label: "Total", cents: inv.totalCents, strong: true });
  let note: InvoiceDocument["note"] = null;
  if (credit) {
    const added = negateMinor(inv.totalCents);
    totals.push({ key: "credited", label: "Credited to your balance", cents: added, strong: false });
    note = { kind: "credit", cents: added };
  } else if (applied < 0) {
    totals.push({ key: "credit_used", label: "Paid from credit balance", cents: applied, strong: false });
    note = { kind: "paid_from_credit", cents: negateMinor(applied) };
  } else if (applied > 0) {
    totals.push({ key: "balance_added", label: "Balance from earlier invoices", cents: applied, strong: false });
    note = { kind: "balance_added", cents: applied };
  }
  totals.push({ key: "paid", label: "Amount paid", cents: inv.amountPaidCents, strong: false });
  totals.push({ key: "due", label: "Amount due", cents: amountRemainingCents(inv), strong: true });
  return {
    id: inv.id,
    kind: credit ? "credit" : "invoice",
    number: inv.number,
    status: inv.status,
    currency: inv.currency,
    issuedAt: inv.issuedAt,
    dueDate: inv.dueDate,
    paidAt: inv.paidAt,
    periodStart: inv.periodStart,
    periodEnd: inv.periodEnd,
    memo: inv.memo,
    source: inv.source,
    hostedInvoiceUrl: inv.hostedInvoiceUrl,
    seller: sellerParty(seller),
    customer: input.customer,
    lines: input.lines.map((l) => ({
      id: l.id,
      description: l.description || "Item",
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      proration: l.proration,
      quantity: l.quantity,
      unitCents: lineUnitPrice(l),
      amountCents: l.amountCents,
    })),
    totals,
    note,
    usage: input.usage,
  };
}

/** The sentence under the totals, formatted (page and PDF print the same words). */
export function noteText(doc: InvoiceDocument, locale = "en-US"): string | null {
  if (!doc.note) return null;
  const m = formatMoney(doc.note.cents, doc.currency, locale);
  switch (doc.note.kind) {
    case "credit":
      return `Nothing to pay: this invoice credits ${m} to your balance, and the credit pays your next invoices first.`;
    case "paid_from_credit":
      return doc.totals.find((t) => t.key === "due")!.cents === 0
        ? `Nothing to pay: your credit balance paid ${m} of this invoice.`
        : `Your credit balance paid ${m} of this invoice; the rest is charged to your card.`;
    case "balance_added":
      return `${m} owed from earlier invoices is added to this one.`;
  }
}

/** An invoice period, or its one day when shorter than a day (a Stripe invoice without line periods has start = end). */
export function periodText(start: Date | null, end: Date | null, locale = "en-US"): string {
  if (!start || !end) return "—";
  if (end.getTime() - start.getTime() < 86_400_000) return formatDate(start, locale);
  return formatDateRange(start, end, locale);
}

/** Status in words: a credit-only invoice reads "Credited", an open one past its due date "Overdue". */
export function statusText(
  inv: { status: InvoiceStatus; totalCents: number; dueDate: Date | null },
  now: Date,
): { label: string; status: InvoiceStatus | "credited" | "overdue" } {
  if (inv.status === "paid" && inv.totalCents < 0) return { label: "Credited", status: "credited" };
  if (inv.status === "open" && inv.dueDate && inv.dueDate.getTime() < now.getTime())
    return { label: "Overdue", status: "overdue" };
  const label: Record<InvoiceStatus, string> = {
    paid: "Paid",
    open: "Open",
    draft: "Draft",
    void: "Void",
    uncollectible: "Uncollectible",
  };
  return { label: label[inv.status] ?? inv.status, status: inv.status };
}

/** The amount a list shows: a credit-only invoice as the credit ("$2,646.00 credit"), anything else its total. */
export function listAmountText(inv: { totalCents: number; currency: string }, locale = "en-US"): string {
  return inv.totalCents < 0
    ? `${formatMoney(negateMinor(inv.totalCents), inv.currency, locale)} credit`
    : formatMoney(inv.totalCents, inv.currency, locale);
}
