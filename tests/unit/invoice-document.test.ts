import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Invoice, InvoiceLine } from "@/db/schema";
import { DEFAULT_SELLER } from "@/lib/env";
import { balanceAppliedCents, lineUnitPrice } from "@/lib/invoices/amounts";
import { invoiceDocument, listAmountText, noteText, statusText } from "@/lib/invoices/document";
import { periodsOfBilledPeriod } from "@/lib/invoices/usage";
import { applyCustomerBalance, multiplyMinor } from "@/lib/money";

const cents = fc.integer({ min: -5_000_000, max: 5_000_000 });

function invoice(over: Partial<Invoice>): Invoice {
  const at = new Date("2026-12-05T00:00:00Z");
  return {
    id: "00000000-0000-4000-8000-000000000001",
    organizationId: "00000000-0000-4000-8000-000000000002",
    source: "stripe",
    stripeInvoiceId: "in_1",
    number: "ACME-0004",
    status: "paid",
    currency: "usd",
    subtotalCents: 0,
    taxCents: 0,
    totalCents: 0,
    amountDueCents: 0,
    amountPaidCents: 0,
    periodStart: at,
    periodEnd: new Date("2027-01-05T00:00:00Z"),
    dueDate: null,
    paidAt: at,
    hostedInvoiceUrl: null,
    pdfUrl: null,
    billingReason: "subscription_update",
    attemptCount: 0,
    nextPaymentAttempt: null,
    usageRecordId: null,
    memo: null,
    stripeLastEventCreated: null,
    issuedAt: at,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

function line(over: Partial<InvoiceLine>): InvoiceLine {
  return {
    id: "l1",
    invoiceId: "i",
    stripeLineId: null,
    kind: "proration",
    description: "Unused time on 6 × Pro after 5 Dec 2026",
    quantity: 6,
    unitAmountCents: -420,
    amountCents: -2_521,
    currency: "usd",
    periodStart: null,
    periodEnd: null,
    proration: true,
    position: 0,
    ...over,
  };
}

const customer = { name: "Acme Robotics", addressLines: [], email: "owner@acme.test", taxId: null };
const doc = (inv: Invoice, lines: InvoiceLine[] = []) =>
  invoiceDocument({ invoice: inv, lines, customer, usage: null }, DEFAULT_SELLER);

describe("invoice lines", () => {
  it("prints a unit price only when unit × quantity is the amount", () => {
    // Stripe's prorated unit −420.1666… read as −420: × 6 = −2,520, not −2,521.
    expect(lineUnitPrice({ quantity: 6, unitAmountCents: -420, amountCents: -2_521 })).toBeNull();
    expect(lineUnitPrice({ quantity: 6, unitAmountCents: 4_900, amountCents: 29_400 })).toBe(4_900);
    expect(lineUnitPrice({ quantity: 1, unitAmountCents: null, amountCents: 500 })).toBeNull();
    expect(lineUnitPrice({ quantity: 0, unitAmountCents: 0, amountCents: 0 })).toBeNull();
    const d = doc(invoice({}), [line({}), line({ id: "l2", unitAmountCents: 4_900, amountCents: 29_400 })]);
    expect(d.lines.map((l) => [l.quantity, l.unitCents, l.amountCents])).toEqual([
      [6, null, -2_521],
      [6, 4_900, 29_400],
    ]);
  });

  it("never shows a unit and quantity that multiply to another amount (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.option(cents, { nil: null }),
        cents,
        (quantity, unit, amount) => {
          const shown = lineUnitPrice({ quantity, unitAmountCents: unit, amountCents: amount });
          if (shown !== null) expect(multiplyMinor(shown, quantity)).toBe(amount);
          if (unit !== null && multiplyMinor(unit, quantity) === amount) expect(shown).toBe(unit);
        },
      ),
    );
  });
});

describe("credit balances on invoices", () => {
  it("shows a credit-only invoice as a credit: nothing to pay, the credit added", () => {
    const d = doc(invoice({ subtotalCents: -264_600, totalCents: -264_600, amountDueCents: 0 }));
    expect(d.kind).toBe("credit");
    expect(d.totals.map((t) => [t.key, t.cents])).toEqual([
      ["subtotal", -264_600],
      ["total", -264_600],
      ["credited", 264_600],
      ["paid", 0],
      ["due", 0],
    ]);
    expect(noteText(d)).toBe(
      "Nothing to pay: this invoice credits $2,646.00 to your balance, and the credit pays your next invoices first.",
    );
    expect(statusText(invoice({ totalCents: -1 }), new Date()).label).toBe("Credited");
    expect(listAmountText({ totalCents: -264_600, currency: "usd" })).toBe("$2,646.00 credit");
  });

  it("says the credit balance paid an invoice when Stripe's amount due is below its total", () => {
    const d = doc(invoice({ subtotalCents: 24_500, totalCents: 24_500, amountDueCents: 0, amountPaidCents: 0 }));
    expect(d.totals.find((t) => t.key === "credit_used")).toMatchObject({ cents: -24_500 });
    expect(noteText(d)).toBe("Nothing to pay: your credit balance paid $245.00 of this invoice.");
    const part = doc(
      invoice({ status: "open", subtotalCents: 24_500, totalCents: 24_500, amountDueCents: 4_500, amountPaidCents: 0 }),
    );
    expect(noteText(part)).toBe("Your credit balance paid $200.00 of this invoice; the rest is charged to your card.");
    expect(part.totals.find((t) => t.key === "due")?.cents).toBe(4_500);
  });

  it("leaves manual invoices and plain charges without a balance line", () => {
    expect(balanceAppliedCents({ source: "manual", totalCents: 500, amountDueCents: 0 })).toBe(0);
    const d = doc(
      invoice({ subtotalCents: 29_400, totalCents: 29_400, amountDueCents: 29_400, amountPaidCents: 29_400 }),
    );
    expect(d.note).toBeNull();
    expect(d.totals.map((t) => t.key)).toEqual(["subtotal", "total", "paid", "due"]);
  });

  it("keeps totals consistent for any stored invoice (property)", () => {
    fc.assert(
      fc.property(
        cents,
        fc.integer({ min: -3_000_000, max: 3_000_000 }),
        fc.constantFrom("paid", "open", "void", "uncollectible"),
        (total, balance, status) => {
          const due = Math.max(0, total + balance);
          const paid = status === "paid" ? due : 0;
          const d = doc(
            invoice({ status, subtotalCents: total, totalCents: total, amountDueCents: due, amountPaidCents: paid }),
          );
          const get = (k: string) => d.totals.find((t) => t.key === k)?.cents ?? 0;
          // What the balance changed plus the total is what Stripe asked for.
          expect(get("total") + get("credit_used") + get("balance_added") + get("credited")).toBe(due);
          expect(get("due")).toBeGreaterThanOrEqual(0);
          if (total < 0 && due === 0) expect(get("credited")).toBe(-total);
          if (status === "paid") expect(get("due")).toBe(0);
        },
      ),
    );
  });

  it("applies a balance to a preview the way Stripe finalizes (property)", () => {
    fc.assert(
      fc.property(cents, fc.integer({ min: -3_000_000, max: 3_000_000 }), (total, balance) => {
        const due = Math.max(0, total + balance);
        const a = applyCustomerBalance({
          subtotalCents: total,
          totalCents: total,
          amountDueCents: due,
          startingBalanceCents: balance,
        });
        expect(a.creditAfterCents).toBe(Math.max(0, -(total + balance)));
        if (balance <= 0) expect(a.amountDueCents + a.creditAppliedCents).toBe(Math.max(0, total));
        expect(a.creditAddedCents).toBe(Math.max(0, -total));
        expect(a.creditAppliedCents).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe("usage periods of a billed period", () => {
  const d = (s: string) => new Date(`${s}T00:00:00Z`);
  const span = (a: string, b: string) => ({ start: d(a), end: d(b) });

  it("shows an annual invoice its own monthly slices, never the Free month before it", () => {
    const free = span("2026-12-01", "2027-01-01");
    const slice1 = span("2026-12-05", "2027-01-05");
    const slice2 = span("2027-01-05", "2027-02-05");
    const got = periodsOfBilledPeriod(span("2026-12-05", "2027-12-05"), [free, slice2, slice1, slice1]);
    expect(got).toEqual([slice1, slice2]);
  });

  it("shows a mid-period charge the usage period it falls in", () => {
    const month = span("2026-12-05", "2027-01-05");
    expect(periodsOfBilledPeriod(span("2026-12-15", "2027-01-05"), [month])).toEqual([month]);
    expect(periodsOfBilledPeriod(span("2026-12-15", "2027-01-05"), [])).toEqual([]);
  });

  it("returns only periods that start inside, or the one containing the start (property)", () => {
    const day = 86_400_000;
    const base = Date.UTC(2026, 0, 1);
    const spanArb = fc
      .tuple(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 1, max: 400 }))
      .map(([a, len]) => ({ start: new Date(base + a * day), end: new Date(base + (a + len) * day) }));
    fc.assert(
      fc.property(spanArb, fc.array(spanArb, { maxLength: 20 }), (billed, candidates) => {
        const got = periodsOfBilledPeriod(billed, candidates);
        const inside = got.filter((p) => p.start >= billed.start && p.start < billed.end);
        if (inside.length !== got.length) {
          expect(got).toHaveLength(1);
          expect(got[0]!.start.getTime()).toBeLessThan(billed.start.getTime());
          expect(got[0]!.end.getTime()).toBeGreaterThan(billed.start.getTime());
          expect(candidates.some((c) => c.start >= billed.start && c.start < billed.end)).toBe(false);
        }
        const starts = got.map((p) => p.start.getTime());
        expect(new Set(starts).size).toBe(starts.length);
        expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      }),
    );
  });
});
