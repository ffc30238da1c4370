import { multiplyMinor, sumMinor } from "@/lib/money";

/**
 * What is still to pay on an invoice (Stripe's `amount_remaining`): Stripe keeps `amount_due` at
 * the total after payment, so "amount due" shown as is read as owed on a paid invoice. Nothing
 * is left on a paid or void invoice; an uncollectible one still owes what was not paid.
 */
export function amountRemainingCents(inv: { status: string; amountDueCents: number; amountPaidCents: number }): number {
  if (inv.status === "paid" || inv.status === "void") return 0;
  return Math.max(0, sumMinor([inv.amountDueCents, -inv.amountPaidCents]));
}

/**
 * The unit price to print beside a line's quantity, only when unit × quantity is the line's
 * amount. Stripe's proration lines carry a prorated unit with fractions of a cent (−420.1666…
 * per seat), which rounded and multiplied back misses the amount by a cent: those lines show
 * their amount alone.
 */
export function lineUnitPrice(line: { quantity: number; unitAmountCents: number | null; amountCents: number }) {
  if (line.unitAmountCents === null || !Number.isSafeInteger(line.quantity) || line.quantity <= 0) return null;
  return multiplyMinor(line.unitAmountCents, line.quantity) === line.amountCents ? line.unitAmountCents : null;
}

/** A Stripe invoice line that prorates a change (credit for unused time, charge for the remaining time). */
export function isProrationLine(line: {
  parent?: {
    subscription_item_details?: { proration?: boolean } | null;
    invoice_item_details?: { proration?: boolean } | null;
  } | null;
}): boolean {
  const p = line.parent;
  return Boolean(p?.subscription_item_details?.proration ?? p?.invoice_item_details?.proration ?? false);
}

/**
 * The balance an invoice used or added, from what we store of it (Stripe's `amount_due` is the
 * total with the balance applied; a manual invoice has none): negative = paid from credit,
 * positive = a credit-only invoice added this much credit, or an owed balance was added.
 */
export function balanceAppliedCents(inv: { source: string; totalCents: number; amountDueCents: number }): number {
  if (inv.source !== "stripe") return 0;
  return sumMinor([inv.amountDueCents, -inv.totalCents]);
}

/** An invoice whose total is below zero: nothing to pay; it credits the customer's balance. */
export function isCreditInvoice(inv: { totalCents: number }): boolean {
  return inv.totalCents < 0;
}
