import { describe, expect, it } from "vitest";
import { coveredPeriod } from "@/lib/invoices/sync";

/** The period we store for a Stripe invoice (the list's and the detail's "Period", and the usage breakdown's). */
const day = 86_400;
const t0 = Date.UTC(2026, 10, 8) / 1000;
const line = (start: number, end: number, proration = false) => ({
  period: { start, end },
  parent: { subscription_item_details: { proration } },
});
const invoice = (periodStart: number, periodEnd: number, lines: ReturnType<typeof line>[]) =>
  ({ period_start: periodStart, period_end: periodEnd, lines: { data: lines } }) as unknown as Parameters<
    typeof coveredPeriod
  >[0];

describe("coveredPeriod", () => {
  it("gives a renewal the period its lines bill, not Stripe's period just ended", () => {
    expect(coveredPeriod(invoice(t0 - 30 * day, t0, [line(t0, t0 + 30 * day)]))).toEqual({
      periodStart: new Date(t0 * 1000),
      periodEnd: new Date((t0 + 30 * day) * 1000),
    });
  });

  it("gives a subscription's first invoice (an empty period) the span its lines bill", () => {
    expect(coveredPeriod(invoice(t0, t0, [line(t0, t0 + 30 * day), line(t0 + 2 * day, t0 + 30 * day)]))).toEqual({
      periodStart: new Date(t0 * 1000),
      periodEnd: new Date((t0 + 30 * day) * 1000),
    });
  });

  it("keeps Stripe's period when no line has a period to offer", () => {
    expect(coveredPeriod(invoice(t0, t0, [line(t0, t0)]))).toEqual({
      periodStart: new Date(t0 * 1000),
      periodEnd: new Date(t0 * 1000),
    });
    expect(coveredPeriod(invoice(t0 - 30 * day, t0, []))).toEqual({
      periodStart: new Date((t0 - 30 * day) * 1000),
      periodEnd: new Date(t0 * 1000),
    });
  });

  it("bills the period of the full-price lines when prorations ride along", () => {
    // Annual → monthly: the credit for the rest of the year is not a year billed.
    const yearEnd = t0 + 300 * day;
    expect(coveredPeriod(invoice(t0, t0, [line(t0, yearEnd, true), line(t0, t0 + 30 * day)]))).toEqual({
      periodStart: new Date(t0 * 1000),
      periodEnd: new Date((t0 + 30 * day) * 1000),
    });
    // A renewal carrying last month's seat change: the month it renews.
    expect(coveredPeriod(invoice(t0 - 30 * day, t0, [line(t0 - 10 * day, t0, true), line(t0, t0 + 30 * day)]))).toEqual(
      { periodStart: new Date(t0 * 1000), periodEnd: new Date((t0 + 30 * day) * 1000) },
    );
    // Prorations alone (a seat added mid-month): their span.
    expect(coveredPeriod(invoice(t0, t0, [line(t0 + 5 * day, t0 + 30 * day, true)]))).toEqual({
      periodStart: new Date((t0 + 5 * day) * 1000),
      periodEnd: new Date((t0 + 30 * day) * 1000),
    });
  });
});
