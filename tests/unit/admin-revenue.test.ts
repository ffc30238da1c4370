import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "@/lib/admin/csv";
import { monthlyShare, outstanding, recurringRevenue } from "@/lib/admin/revenue";
import { parseMajorAmount } from "@/lib/money";
import { orgListQuerySchema } from "@/lib/admin/schemas";
import { cumulativeByDay } from "@/lib/admin/org-detail";

describe("recurring revenue", () => {
  it("adds monthly amounts, a twelfth of annual ones, per currency, in cents", () => {
    const r = recurringRevenue([
      // Pro monthly: 6 seats × $49 + 2 seats × $49
      { currency: "usd", cycle: "monthly", perSeat: true, custom: false, unitCents: 4_900, seats: 8, subscriptions: 2 },
      // Pro annual: 3 seats × $490
      { currency: "usd", cycle: "annual", perSeat: true, custom: false, unitCents: 49_000, seats: 3, subscriptions: 1 },
      // Enterprise custom: 4 seats × $420 a year
      { currency: "usd", cycle: "annual", perSeat: true, custom: true, unitCents: 42_000, seats: 4, subscriptions: 1 },
      // Free: flat zero
      { currency: "usd", cycle: "monthly", perSeat: false, custom: false, unitCents: 0, seats: 5, subscriptions: 5 },
      // Enterprise without a price yet
      { currency: "usd", cycle: "annual", perSeat: true, custom: false, unitCents: null, seats: 10, subscriptions: 1 },
      {
        currency: "eur",
        cycle: "monthly",
        perSeat: false,
        custom: false,
        unitCents: 1_000,
        seats: 9,
        subscriptions: 3,
      },
    ]);
    // monthly 39,200; annual 147,000 + 168,000 = 315,000 → 26,250 a month
    expect(r.mrr).toEqual([
      { currency: "eur", cents: 3_000 },
      { currency: "usd", cents: 39_200 + 26_250 },
    ]);
    expect(r.arr).toEqual([
      { currency: "eur", cents: 36_000 },
      { currency: "usd", cents: 39_200 * 12 + 315_000 },
    ]);
    expect(r.paying).toBe(2 + 1 + 1 + 3);
    expect(r.unpriced).toBe(1);
  });

  it("rounds a twelfth half away from zero, once", () => {
    expect(monthlyShare(100, 12)).toBe(8);
    expect(monthlyShare(4_900, 1)).toBe(4_900);
    expect(monthlyShare(4_900, 0)).toBe(4_900);
  });

  it("reports what is still owed", () => {
    expect(
      outstanding([
        { currency: "usd", dueCents: 29_400, paidCents: 400 },
        { currency: "eur", dueCents: 5, paidCents: 5 },
      ]),
    ).toEqual([{ currency: "usd", cents: 29_000 }]);
  });
});

describe("prices typed by people", () => {
  it("read major units as exact minor units", () => {
    expect(parseMajorAmount("420", "usd")).toBe(42_000);
    expect(parseMajorAmount(" 420.5 ", "usd")).toBe(42_050);
    expect(parseMajorAmount("1,250.00", "usd")).toBe(125_000);
    expect(parseMajorAmount("0.29", "usd")).toBe(29);
    expect(parseMajorAmount("5000", "jpy")).toBe(5_000);
  });
  it("refuse what is not a plain amount", () => {
    for (const bad of ["", "abc", "-5", "1.234", "12,34", "1e3", "5.5"]) {
      expect(parseMajorAmount(bad, bad === "5.5" ? "jpy" : "usd")).toBeNull();
    }
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvField('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-5)).toBe("-5");
    expect(csvField(null)).toBe("");
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvRow(["a", new Date("2026-01-02T03:04:05Z")])).toBe("a,2026-01-02T03:04:05.000Z\r\n");
  });
});

describe("organization list query", () => {
  it("reads URL parameters with defaults and refuses nonsense with a message", () => {
    expect(orgListQuerySchema.parse({ q: " acme ", page: "2", pastDue: "1" })).toMatchObject({
      q: "acme",
      page: 2,
      pastDue: true,
      sort: "name",
      perPage: 25,
    });
    const bad = orgListQuerySchema.safeParse({ page: "0", perPage: "7", sort: "mrr" });
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      "Sort by name, created or plan.",
      "Pages start at 1.",
      "Show 25, 50 or 100 a page.",
    ]);
  });
});

describe("executions chart", () => {
  it("runs a total over every day of the period, days without events included", () => {
    const points = cumulativeByDay(
      [
        { day: "2026-03-01", value: 10 },
        { day: "2026-03-03", value: 5 },
      ],
      new Date("2026-03-01T00:00:00Z"),
      new Date("2026-03-04T10:00:00Z"),
    );
    expect(points.map((p) => [p.day, p.cumulative])).toEqual([
      ["2026-03-01", 10],
      ["2026-03-02", 10],
      ["2026-03-03", 15],
      ["2026-03-04", 15],
    ]);
  });
});
