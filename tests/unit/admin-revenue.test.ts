import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "@/lib/admin/csv";
import { coverGroupsAt, cycleMonthsOf, outstanding, recurringFromGroups } from "@/lib/admin/revenue";
import { parseMajorAmount } from "@/lib/money";
import { orgListQuerySchema } from "@/lib/admin/schemas";
import { cumulativeByDay } from "@/lib/admin/org-detail";

describe("recurring revenue", () => {
  const d = (s: string) => new Date(`${s}T00:00:00Z`);
  const line = (
    org: string,
    inv: string,
    start: string,
    end: string,
    cents: number,
    currency = "usd",
    issued = start,
  ) => ({
    organizationId: org,
    invoiceId: inv,
    currency,
    periodStart: d(start),
    periodEnd: d(end),
    issuedAt: d(issued),
    amountCents: cents,
  });

  it("adds monthly amounts and a twelfth of annual ones per currency, rounded once; ARR is MRR × 12", () => {
    const r = recurringFromGroups(
      [
        { currency: "usd", months: 1, cents: 39_200 },
        { currency: "usd", months: 12, cents: 315_000 },
        { currency: "eur", months: 1, cents: 3_000 },
        { currency: "usd", months: 12, cents: 100 },
      ],
      5,
    );
    expect(r.mrr).toEqual([
      { currency: "eur", cents: 3_000 },
      { currency: "usd", cents: 39_200 + 26_250 + 8 },
    ]);
    expect(r.arr).toEqual([
      { currency: "eur", cents: 36_000 },
      { currency: "usd", cents: (39_200 + 26_250 + 8) * 12 },
    ]);
    expect(r.paying).toBe(5);
  });

  it("counts each organization's latest-starting period that contains the instant: a switch replaces, it doesn't add", () => {
    const lines = [
      // Annual from 5 Dec, switched to monthly on 20 Dec (the annual line still covers the instant).
      line("acme", "in_1", "2026-12-05", "2027-12-05", 6 * 49_000),
      line("acme", "in_2", "2026-12-20", "2027-01-20", 6 * 4_900),
      // Monthly, renewed: only the period containing the instant counts.
      line("hooli", "in_3", "2026-11-21", "2026-12-21", 9_800),
      line("hooli", "in_4", "2026-12-21", "2027-01-21", 9_800),
      // A free trial: counted, at zero, and not paying.
      line("globex", "in_5", "2026-12-01", "2027-01-01", 0),
    ];
    const at = new Date("2026-12-25T00:00:00Z");
    const { groups, paying } = coverGroupsAt(lines, at);
    expect(recurringFromGroups(groups, paying)).toMatchObject({
      mrr: [{ currency: "usd", cents: 29_400 + 9_800 }],
      paying: 2,
    });
    // Before the switch: a twelfth of the annual amount.
    const before = coverGroupsAt(lines, new Date("2026-12-10T00:00:00Z"));
    expect(recurringFromGroups(before.groups, before.paying).mrr).toEqual([{ currency: "usd", cents: 24_500 + 9_800 }]);
    expect(coverGroupsAt(lines, new Date("2028-01-01T00:00:00Z"))).toEqual({ groups: [], paying: 0 });
  });

  it("tells a cycle's months from its period", () => {
    expect(cycleMonthsOf(d("2026-02-01"), d("2026-03-01"))).toBe(1);
    expect(cycleMonthsOf(d("2026-01-31"), d("2026-03-03"))).toBe(1);
    expect(cycleMonthsOf(d("2028-02-29"), d("2029-02-28"))).toBe(12);
    expect(cycleMonthsOf(d("2026-01-01"), d("2026-01-02"))).toBe(1);
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
