import { describe, expect, it } from "vitest";
import { formatMoney, prorate } from "../billing/money";
import { addIntervals, formatDay, nextBoundary } from "../billing/periods";

const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 10) / 1000;

describe("billing periods", () => {
  it("keeps the anchor day, clamped to short months", () => {
    const month = { interval: "month", count: 1 };
    const jan31 = at(2026, 1, 31);
    expect(addIntervals(jan31, month, 1)).toBe(at(2026, 2, 28));
    expect(addIntervals(jan31, month, 2)).toBe(at(2026, 3, 31));
    expect(addIntervals(jan31, month, 3)).toBe(at(2026, 4, 30));
    expect(nextBoundary(jan31, month, at(2026, 2, 28))).toBe(at(2026, 3, 31));
    expect(addIntervals(at(2028, 2, 29), { interval: "year", count: 1 }, 1)).toBe(at(2029, 2, 28));
    expect(addIntervals(jan31, { interval: "week", count: 2 }, 1)).toBe(at(2026, 2, 14));
  });

  it("formats days like Stripe's proration descriptions", () => {
    expect(formatDay(at(2026, 1, 5))).toBe("5 Jan 2026");
  });
});

describe("money", () => {
  it("prorates in integer minor units", () => {
    expect(prorate(2000, 3, 21 * 86_400, 31 * 86_400)).toBe(4065);
    expect(prorate(999, 1, 1, 3)).toBe(333);
    expect(prorate(2000, 1, 40, 30)).toBe(2000);
    expect(prorate(2000, 1, 0, 30)).toBe(0);
  });

  it("formats amounts without floating point", () => {
    expect(formatMoney(2000, "usd")).toBe("$20.00");
    expect(formatMoney(-1355, "eur")).toBe("-€13.55");
    expect(formatMoney(123456789, "usd")).toBe("$1,234,567.89");
    expect(formatMoney(500, "jpy")).toBe("¥500");
  });
});
