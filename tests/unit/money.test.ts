import { describe, expect, it } from "vitest";
import {
  annualSaving,
  annualSavingPercent,
  formatMoney,
  multiplyMinor,
  overageCost,
  prorate,
  prorateForRemaining,
  sumMinor,
} from "@/lib/money";

describe("formatMoney", () => {
  it("formats cents in the currency's own way", () => {
    expect(formatMoney(4900, "usd")).toBe("$49.00");
    expect(formatMoney(123456, "usd")).toBe("$1,234.56");
    expect(formatMoney(-2310, "usd")).toBe("-$23.10");
    expect(formatMoney(4900, "eur", "de-DE")).toBe("49,00\u00a0€");
  });
  it("treats zero-decimal currencies as whole units", () => {
    expect(formatMoney(500, "jpy")).toBe("¥500");
  });
  it("can drop .00 when compact", () => {
    expect(formatMoney(4900, "usd", "en-US", { compact: true })).toBe("$49");
    expect(formatMoney(4950, "usd", "en-US", { compact: true })).toBe("$49.50");
  });
  it("refuses non-integer amounts", () => {
    expect(() => formatMoney(49.5, "usd")).toThrow(RangeError);
  });
});

describe("integer arithmetic", () => {
  it("sums and multiplies exactly", () => {
    expect(sumMinor([4900, 4900, 1])).toBe(9801);
    expect(multiplyMinor(4900, 7)).toBe(34300);
    expect(() => multiplyMinor(4900, 1.5)).toThrow(RangeError);
  });

  it("prorates with half-away-from-zero rounding", () => {
    expect(prorate(1000, 1, 3)).toBe(333);
    expect(prorate(1000, 2, 3)).toBe(667);
    expect(prorate(5, 1, 2)).toBe(3);
    expect(prorate(-5, 1, 2)).toBe(-3);
    expect(prorate(4900, 0, 30)).toBe(0);
  });

  it("prorates a seat for the rest of a 30-day period", () => {
    const period = 30 * 86_400;
    // 1 seat at $49 for 15 of 30 days is $24.50
    expect(prorateForRemaining(4900, 1, 15 * 86_400, period)).toBe(2450);
    // clamps a remaining time beyond the period
    expect(prorateForRemaining(4900, 2, 40 * 86_400, period)).toBe(9800);
  });

  it("stays exact for large amounts", () => {
    expect(prorate(9_007_199_254_740, 1, 1)).toBe(9_007_199_254_740);
  });

  it("bills overage by started blocks", () => {
    expect(overageCost(0, 40, 1000)).toBe(0);
    expect(overageCost(1, 40, 1000)).toBe(40);
    expect(overageCost(2500, 40, 1000)).toBe(120);
  });

  it("computes the annual saving", () => {
    expect(annualSaving(4900, 49000)).toBe(9800);
    expect(annualSavingPercent(4900, 49000)).toBe(16);
  });
});
