import { describe, expect, it } from "vitest";
import { catalogPlan } from "@/lib/plans/catalog";
import { limitsOf } from "@/lib/plans/limits";
import type { Plan, Subscription } from "@/db/schema";
import {
  addDays,
  csvCell,
  describeChange,
  describePeriodUse,
  describeProjection,
  lastDays,
  parseRangeDays,
  periodChartPoints,
  periodDay,
  projectToPeriodEnd,
  summarize,
  toCsv,
  usageCsv,
  usageCsvFilename,
} from "@/lib/usage/projection";
import { estimateNextInvoice, resolveExportRange, usageExportQuerySchema } from "@/lib/usage/trends";

const nov = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") };
const at = (iso: string) => new Date(iso);

describe("range switch", () => {
  it("accepts 30, 90 and 365 and falls back to 30 for anything else", () => {
    expect(parseRangeDays("90")).toBe(90);
    expect(parseRangeDays("365")).toBe(365);
    expect(parseRangeDays(["90", "30"])).toBe(90);
    for (const bad of [undefined, "", "7", "abc", "90.5", "-30", "1e9", null]) expect(parseRangeDays(bad)).toBe(30);
  });

  it("counts the last N days up to and including today (UTC)", () => {
    expect(lastDays(30, at("2026-11-24T23:59:00Z"))).toEqual({ from: "2026-10-26", to: "2026-11-24" });
    expect(lastDays(1, at("2026-11-24T00:00:00Z"))).toEqual({ from: "2026-11-24", to: "2026-11-24" });
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("period over period change", () => {
  it("gives a signed whole percent", () => {
    expect(describeChange(118, 100)).toMatchObject({ percent: 18, direction: "up", text: "+18% vs last period" });
    expect(describeChange(95, 100).text).toBe("\u22125% vs last period");
    expect(describeChange(100, 100)).toMatchObject({ percent: 0, direction: "flat" });
    expect(describeChange(0, 50)).toMatchObject({ percent: -100, direction: "down" });
  });

  it("has no percentage when last period was zero", () => {
    expect(describeChange(40, 0)).toMatchObject({ percent: null, direction: "new" });
    expect(describeChange(0, 0)).toMatchObject({ percent: null, direction: "none" });
  });
});

describe("projection to period end", () => {
  it("projects the pace so far and says when the limit is passed", () => {
    // 10 days of 30 gone, 4,000 of 10,000 used: 12,000 by the end, the limit on day 25.
    const p = projectToPeriodEnd({ used: 4_000, limit: 10_000, period: nov, now: at("2026-11-11T00:00:00Z") });
    expect(p).toMatchObject({ kind: "over", projected: 12_000, projectedPercent: 120, alreadyReached: false });
    if (p.kind !== "over") throw new Error("expected over");
    expect(p.reachAt.toISOString()).toBe("2026-11-26T00:00:00.000Z");
    const text = describeProjection(p, { period: nov });
    expect(text).toContain("At this pace you will reach 120% of your limit by Nov 30, 2026");
    expect(text).toContain("around Nov 26, 2026");
    expect(text).toContain("refused");
    expect(describeProjection(p, { period: nov, overagePriced: true })).toContain("billed as overage");
  });

  it("says you stay within the limit when the pace never reaches it", () => {
    const p = projectToPeriodEnd({ used: 2_000, limit: 10_000, period: nov, now: at("2026-11-16T00:00:00Z") });
    expect(p).toMatchObject({ kind: "within", projected: 4_000, projectedPercent: 40 });
    expect(describeProjection(p, { period: nov })).toBe(
      "At this pace you will stay within your limit: about 4,000 of 10,000 executions (40%) by Nov 30, 2026.",
    );
  });

  it("ending exactly at the limit is within it", () => {
    expect(projectToPeriodEnd({ used: 5_000, limit: 10_000, period: nov, now: at("2026-11-16T00:00:00Z") }).kind).toBe(
      "within",
    );
  });

  it("with an unlimited plan projects the total without a percentage", () => {
    const p = projectToPeriodEnd({ used: 1_000, limit: null, period: nov, now: at("2026-11-11T00:00:00Z") });
    expect(p).toMatchObject({ kind: "unlimited", projected: 3_000 });
    expect(describeProjection(p, { period: nov })).toContain("no limit");
  });

  it("is too early at the start of a period, and on its first day", () => {
    expect(projectToPeriodEnd({ used: 0, limit: 10_000, period: nov, now: nov.start }).kind).toBe("too_early");
    const p = projectToPeriodEnd({
      used: 300,
      limit: 10_000,
      period: nov,
      now: new Date(nov.start.getTime() + 6 * 3_600_000),
    });
    expect(p.kind).toBe("too_early");
    expect(describeProjection(p, { period: nov })).toContain("Too early to project");
  });

  it("reports a limit already reached, even early in the period", () => {
    const p = projectToPeriodEnd({
      used: 10_500,
      limit: 10_000,
      period: nov,
      now: new Date(nov.start.getTime() + 3_600_000),
    });
    expect(p).toMatchObject({ kind: "over", alreadyReached: true });
    expect(describeProjection(p, { period: nov })).toContain("You have reached your limit (105% used)");
  });

  it("with no usage stays within; a zero limit with no usage too", () => {
    expect(projectToPeriodEnd({ used: 0, limit: 10_000, period: nov, now: at("2026-11-20T00:00:00Z") })).toMatchObject({
      kind: "within",
      projected: 0,
    });
    expect(projectToPeriodEnd({ used: 0, limit: 0, period: nov, now: at("2026-11-20T00:00:00Z") }).kind).toBe("within");
  });

  it("after the period's end projects what was used", () => {
    expect(
      projectToPeriodEnd({ used: 9_000, limit: 10_000, period: nov, now: at("2026-12-05T00:00:00Z") }),
    ).toMatchObject({ kind: "within", projected: 9_000 });
  });
});

describe("period chart points", () => {
  const now = at("2026-11-03T12:00:00Z");
  const daily = [
    { day: "2026-11-01", executions: 100 },
    { day: "2026-11-02", executions: 200 },
    { day: "2026-11-03", executions: 50 },
  ];

  it("runs a total to today and a straight projection from today to the last day", () => {
    const projection = projectToPeriodEnd({ used: 350, limit: 10_000, period: nov, now });
    const points = periodChartPoints(daily, nov, now, projection);
    expect(points).toHaveLength(30);
    expect(points.slice(0, 3).map((p) => p.cumulative)).toEqual([100, 300, 350]);
    expect(points[2]!.projected).toBe(350);
    expect(points[3]).toMatchObject({ used: null, cumulative: null });
    expect(points.at(-1)!.projected).toBe(projection.kind === "within" ? projection.projected : -1);
    expect(points[0]!.projected).toBeNull();
  });

  it("draws no projection when there is none", () => {
    expect(periodChartPoints(daily, nov, now, null).every((p) => p.projected === null)).toBe(true);
  });
});

describe("day of the period", () => {
  // A paid period that starts mid-day: 31 days long, touching 32 UTC days.
  const dec = { start: at("2026-12-05T15:20:00Z"), end: at("2027-01-05T15:20:00Z") };

  it("counts the period's own days, not the UTC days it touches", () => {
    expect(periodChartPoints([], dec, at("2026-12-05T16:00:00Z"), null)).toHaveLength(32);
    expect(periodDay(dec, at("2026-12-05T16:00:00Z"))).toEqual({ day: 1, days: 31 });
    // 23 hours in, on the next UTC day: still the first day of the period.
    expect(periodDay(dec, at("2026-12-06T14:20:00Z"))).toEqual({ day: 1, days: 31 });
    expect(periodDay(dec, at("2026-12-06T15:20:00Z"))).toEqual({ day: 2, days: 31 });
    expect(periodDay(dec, at("2027-01-05T15:19:59Z"))).toEqual({ day: 31, days: 31 });
    // Before the start and after the end it stays within the period.
    expect(periodDay(dec, at("2026-12-01T00:00:00Z"))).toEqual({ day: 1, days: 31 });
    expect(periodDay(dec, at("2027-02-01T00:00:00Z"))).toEqual({ day: 31, days: 31 });
  });

  it("gives calendar months their length (Free) and February 28 days", () => {
    expect(periodDay(nov, at("2026-11-30T23:59:59Z"))).toEqual({ day: 30, days: 30 });
    const feb = { start: at("2027-02-01T00:00:00Z"), end: at("2027-03-01T00:00:00Z") };
    expect(periodDay(feb, at("2027-02-01T00:00:00Z"))).toEqual({ day: 1, days: 28 });
  });

  it("says it in the summary sentence, never 'day 1 of 32'", () => {
    const now = at("2026-12-05T16:00:00Z");
    expect(describePeriodUse({ used: 1_234, limit: 100_000, period: dec, now, locale: "en-US" })).toBe(
      "1,234 of 100,000 executions used (1%), in day 1 of 31 of this period.",
    );
    expect(describePeriodUse({ used: 1_234, limit: null, period: dec, now, locale: "en-US" })).toBe(
      "1,234 executions so far, in day 1 of 31 of this period. Your plan has no execution limit.",
    );
  });
});

describe("summaries", () => {
  it("gives total, average, busiest day and the ends", () => {
    expect(
      summarize([
        { day: "a", value: 1 },
        { day: "b", value: 5 },
        { day: "c", value: 3 },
      ]),
    ).toEqual({
      total: 9,
      average: 3,
      max: { day: "b", value: 5 },
      first: 1,
      last: 3,
    });
    expect(summarize([])).toEqual({ total: 0, average: 0, max: null, first: 0, last: 0 });
    expect(summarize([{ day: "a", value: 0 }]).max).toBeNull();
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+2,3")).toBe(`"'-1+2,3"`);
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
    expect(toCsv(["a", "b"], [["x,y", 1]])).toBe('a,b\r\n"x,y",1\r\n');
  });

  it("writes a header row and one row a day", () => {
    const csv = usageCsv([{ day: "2026-11-01", executions: 12, agents: 3, gateways: 1, storage_bytes: 2_500_000_000 }]);
    expect(csv).toBe("date,executions,agents,gateways,storage_bytes\r\n2026-11-01,12,3,1,2500000000\r\n");
    expect(usageCsv([])).toBe("date,executions,agents,gateways,storage_bytes\r\n");
  });

  it("names the file after the organization and the days", () => {
    expect(usageCsvFilename("acme", { from: "2026-10-26", to: "2026-11-24" })).toBe(
      "acme-usage-2026-10-26-to-2026-11-24.csv",
    );
    expect(usageCsvFilename('we"ird/..', { from: "a", to: "b" })).toBe("we-ird-usage-a-to-b.csv");
  });
});

describe("export query", () => {
  const parse = (q: Record<string, string>) => usageExportQuerySchema.safeParse(q);
  const now = at("2026-11-24T10:00:00Z");

  it("takes days or from/to, defaulting to the last 30 days", () => {
    expect(resolveExportRange(parse({}).data!, now)).toEqual({ from: "2026-10-26", to: "2026-11-24" });
    expect(resolveExportRange(parse({ days: "90" }).data!, now)).toEqual({ from: "2026-08-27", to: "2026-11-24" });
    expect(resolveExportRange(parse({ from: "2026-11-01", to: "2026-11-10" }).data!, now)).toEqual({
      from: "2026-11-01",
      to: "2026-11-10",
    });
  });

  it("refuses bad values with a message", () => {
    const message = (q: Record<string, string>) => parse(q).error?.issues[0]?.message;
    expect(message({ days: "0" })).toBe("days must be at least 1.");
    expect(message({ days: "abc" })).toBe("days must be a whole number of days.");
    expect(message({ days: "401" })).toBe("days must be at most 400.");
    expect(message({ from: "2026-11-10", to: "2026-11-01" })).toBe("from must not be after to.");
    expect(message({ from: "2026-11-01" })).toContain("give both");
    expect(message({ from: "yesterday", to: "2026-11-01" })).toContain("from must be a day like");
    expect(message({ days: "30", from: "2026-11-01", to: "2026-11-02" })).toContain("either days or from and to");
    expect(message({ from: "2025-01-01", to: "2026-11-01" })).toContain("at most 400 days");
  });
});

describe("next invoice estimate", () => {
  const plan = (id: "free" | "pro" | "enterprise") =>
    ({ ...catalogPlan(id), createdAt: new Date(), updatedAt: new Date() }) as unknown as Plan;
  const sub = (over: Partial<Subscription>): Subscription =>
    ({
      status: "active",
      billingCycle: "monthly",
      seats: 6,
      currentPeriodStart: at("2026-11-08T00:00:00Z"),
      currentPeriodEnd: at("2026-12-08T00:00:00Z"),
      stripeSubscriptionId: "sub_1",
      cancelAtPeriodEnd: false,
      trialEnd: null,
      customPricePerSeatCents: null,
      ...over,
    }) as Subscription;
  const usage = { executions: 1_000, agents: 1, storage_bytes: 0, gateways: 0 };
  const now = at("2026-11-24T00:00:00Z");

  it("is the seats times the price at the period end", () => {
    const p = plan("pro");
    const next = estimateNextInvoice({
      plan: p,
      subscription: sub({}),
      limits: limitsOf(p as never),
      degradedToFree: false,
      usage,
      now,
    });
    expect(next).toMatchObject({ kind: "renewal", recurringCents: 6 * 4_900, overageCents: 0, totalCents: 6 * 4_900 });
    if (next.kind === "renewal") expect(next.date.toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });

  it("adds the overage known so far where the plan prices it", () => {
    const p = plan("enterprise");
    const limits = { ...limitsOf(p as never), maxExecutionsPerMonth: 1_000 };
    const next = estimateNextInvoice({
      plan: p,
      subscription: sub({ customPricePerSeatCents: 42_000, seats: 4 }),
      limits,
      degradedToFree: false,
      usage: { ...usage, executions: 3_500 },
      now,
    });
    expect(next).toMatchObject({
      kind: "renewal",
      recurringCents: 168_000,
      overageCents: 3 * (p.overageCentsPer1kExecutions ?? 0),
    });
  });

  it("has none on Free, none after cancellation, and an end date when a cancellation is scheduled", () => {
    const free = plan("free");
    expect(
      estimateNextInvoice({
        plan: free,
        subscription: null,
        limits: limitsOf(free as never),
        degradedToFree: false,
        usage,
        now,
      }).kind,
    ).toBe("none");
    const p = plan("pro");
    const args = { plan: p, limits: limitsOf(p as never), degradedToFree: false, usage, now };
    expect(estimateNextInvoice({ ...args, subscription: sub({ status: "canceled" }) }).kind).toBe("none");
    expect(estimateNextInvoice({ ...args, subscription: sub({ cancelAtPeriodEnd: true }) })).toMatchObject({
      kind: "ending",
    });
  });

  it("is due at the trial's end during a trial, and rolls a stale period forward", () => {
    const p = plan("pro");
    const args = { plan: p, limits: limitsOf(p as never), degradedToFree: false, usage, now };
    const trial = estimateNextInvoice({
      ...args,
      subscription: sub({ status: "trialing", trialEnd: at("2026-11-30T00:00:00Z") }),
    });
    expect(trial.kind === "renewal" && trial.date.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    const stale = estimateNextInvoice({
      ...args,
      subscription: sub({
        currentPeriodStart: at("2026-09-08T00:00:00Z"),
        currentPeriodEnd: at("2026-10-08T00:00:00Z"),
      }),
    });
    expect(stale.kind === "renewal" && stale.date.toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });
});

describe("request locale", () => {
  it("takes the first supported Accept-Language tag, else en-US", async () => {
    const { localeFromAcceptLanguage } = await import("@/app/(app)/orgs/[slug]/billing/_dashboard/locale");
    expect(localeFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.8")).toBe("de-DE");
    expect(localeFromAcceptLanguage("*;q=0.5, fr-CH")).toBe("fr-CH");
    expect(localeFromAcceptLanguage("")).toBe("en-US");
    expect(localeFromAcceptLanguage(null)).toBe("en-US");
    expect(localeFromAcceptLanguage("not a locale!!")).toBe("en-US");
  });
});
