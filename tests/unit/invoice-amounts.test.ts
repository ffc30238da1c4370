import { describe, expect, it } from "vitest";
import { amountRemainingCents } from "@/lib/invoices/amounts";

/** "Amount due" on an invoice page and PDF: what is still to pay, not Stripe's amount_due (which stays at the total once paid). */
describe("amountRemainingCents", () => {
  it("is nothing on a paid invoice, although Stripe's amount_due still holds the total", () => {
    expect(amountRemainingCents({ status: "paid", amountDueCents: 29_400, amountPaidCents: 29_400 })).toBe(0);
  });

  it("is the unpaid part of an open invoice, partial payments deducted", () => {
    expect(amountRemainingCents({ status: "open", amountDueCents: 9_800, amountPaidCents: 0 })).toBe(9_800);
    expect(amountRemainingCents({ status: "open", amountDueCents: 9_800, amountPaidCents: 3_000 })).toBe(6_800);
  });

  it("is nothing on a void invoice, and what was not paid on an uncollectible one", () => {
    expect(amountRemainingCents({ status: "void", amountDueCents: 9_800, amountPaidCents: 0 })).toBe(0);
    expect(amountRemainingCents({ status: "uncollectible", amountDueCents: 9_800, amountPaidCents: 1_000 })).toBe(
      8_800,
    );
  });

  it("never goes below zero (an overpaid or credited invoice)", () => {
    expect(amountRemainingCents({ status: "open", amountDueCents: 0, amountPaidCents: 500 })).toBe(0);
  });
});
