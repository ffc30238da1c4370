/**
 * What is still to pay on an invoice (Stripe's `amount_remaining`): Stripe keeps `amount_due` at
 * the total after payment, so "amount due" shown as is read as owed on a paid invoice. Nothing
 * is left on a paid or void invoice; an uncollectible one still owes what was not paid.
 */
export function amountRemainingCents(inv: { status: string; amountDueCents: number; amountPaidCents: number }): number {
  if (inv.status === "paid" || inv.status === "void") return 0;
  return Math.max(0, inv.amountDueCents - inv.amountPaidCents);
}
