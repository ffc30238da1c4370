import { describe, expect, it } from "vitest";
import { PLAN_CATALOG, catalogPlan } from "@/lib/plans/catalog";
import {
  applyOverrides,
  evaluateLimit,
  formatBytes,
  groupThousands,
  limitForMetric,
  limitsOf,
  percentUsed,
} from "@/lib/plans/limits";
import { addMonths, calendarMonth, periodAt, usagePeriodAt } from "@/lib/plans/period";
import { effectiveLimits } from "@/lib/plans/state";
import { limitLabel, METRIC_LABEL, METRIC_NOUN, METRICS, recurringAmount } from "@/lib/plans";
import { LIMIT_LABEL } from "@/lib/admin/labels";

describe("plan catalog", () => {
  it("has Free, Pro and Enterprise with the agreed limits and prices", () => {
    expect(PLAN_CATALOG.map((p) => p.id)).toEqual(["free", "pro", "enterprise"]);
    const free = catalogPlan("free");
    expect([free.maxUsers, free.maxAgents, free.maxExecutionsPerMonth]).toEqual([3, 10, 10_000]);
    const pro = catalogPlan("pro");
    expect(pro.pricePerSeatMonthlyCents).toBe(4_900);
    expect(pro.perSeat).toBe(true);
    expect([pro.maxUsers, pro.maxAgents, pro.maxExecutionsPerMonth]).toEqual([null, 100, 100_000]);
    expect(catalogPlan("enterprise").pricePerSeatMonthlyCents).toBeNull();
    for (const p of PLAN_CATALOG) {
      expect(Number.isInteger(p.pricePerSeatMonthlyCents ?? 0)).toBe(true);
      expect(p.maxStorageGb).toBeGreaterThan(0);
      expect(p.maxGateways).toBeGreaterThan(0);
    }
  });

  it("prices a subscription per seat and per cycle", () => {
    const pro = { ...catalogPlan("pro"), perSeat: true } as never;
    expect(recurringAmount(pro, { billingCycle: "monthly", seats: 7, customPricePerSeatCents: null })).toBe(34_300);
    expect(recurringAmount(pro, { billingCycle: "annual", seats: 2, customPricePerSeatCents: null })).toBe(98_000);
    const ent = { ...catalogPlan("enterprise"), perSeat: true } as never;
    expect(recurringAmount(ent, { billingCycle: "annual", seats: 3, customPricePerSeatCents: 42_000 })).toBe(126_000);
    expect(recurringAmount(ent, { billingCycle: "annual", seats: 3, customPricePerSeatCents: null })).toBeNull();
  });
});

describe("limit arithmetic", () => {
  const free = limitsOf({ maxUsers: 3, maxAgents: 10, maxExecutionsPerMonth: 10_000, maxStorageGb: 1, maxGateways: 1 });

  it("allows within the limit and says how much remains", () => {
    const d = evaluateLimit({ metric: "executions", limit: 10_000, used: 9_000, amount: 1_000 });
    expect(d).toMatchObject({ allowed: true, remaining: 1_000, overage: 0 });
  });

  it("refuses past a hard limit with a reason naming the limit", () => {
    const d = evaluateLimit({ metric: "users", limit: 3, used: 3, amount: 1, planName: "Free" });
    expect(d.allowed).toBe(false);
    expect(d.remaining).toBe(0);
    expect(d.reason).toContain("Free plan's limit of 3");
    expect(d.reason).toMatch(/Upgrade/);
  });

  it("always allows unlimited", () => {
    const d = evaluateLimit({ metric: "users", limit: null, used: 1_000_000, amount: 5 });
    expect(d).toMatchObject({ allowed: true, limit: null, remaining: null });
  });

  it("allows and counts overage when the plan prices it", () => {
    const d = evaluateLimit({ metric: "executions", limit: 100, used: 90, amount: 25, overagePriced: true });
    expect(d).toMatchObject({ allowed: true, overage: 15 });
    const already = evaluateLimit({ metric: "executions", limit: 100, used: 120, amount: 5, overagePriced: true });
    expect(already.overage).toBe(5);
  });

  it("applies overrides key by key, null lifting a limit", () => {
    const l = applyOverrides(free, { maxAgents: 50, maxUsers: null });
    expect(l).toEqual({ ...free, maxAgents: 50, maxUsers: null });
    expect(applyOverrides(free, {})).toEqual(free);
    expect(applyOverrides(free, null)).toEqual(free);
  });

  it("converts storage limits to bytes", () => {
    expect(limitForMetric(free, "storage_bytes")).toBe(1_000_000_000);
    expect(limitForMetric(free, "executions")).toBe(10_000);
    expect(formatBytes(1_500_000_000)).toBe("1.5 GB");
    expect(formatBytes(512)).toBe("512 B");
  });

  it("computes percent used", () => {
    expect(percentUsed(8, 10)).toBe(80);
    expect(percentUsed(9_999, 10_000)).toBe(99);
    expect(percentUsed(12, 10)).toBe(120);
    expect(percentUsed(5, null)).toBeNull();
    expect(percentUsed(0, 0)).toBe(0);
  });
});

describe("limits in force", () => {
  const free = limitsOf({ maxUsers: 3, maxAgents: 10, maxExecutionsPerMonth: 10_000, maxStorageGb: 1, maxGateways: 1 });
  const pro = { maxUsers: null, maxAgents: 100, maxExecutionsPerMonth: 100_000, maxStorageGb: 100, maxGateways: 10 };
  const now = new Date("2026-11-24T12:00:00Z");

  it("uses the subscription's limits with overrides", () => {
    const r = effectiveLimits(
      { ...pro, status: "active", pastDueSince: null, limitOverrides: { maxAgents: 150 } },
      free,
      now,
      14,
    );
    expect(r.limits.maxAgents).toBe(150);
    expect(r.degradedToFree).toBe(false);
  });

  it("keeps paid limits during the dunning grace period, then falls back to Free", () => {
    const within = effectiveLimits(
      { ...pro, status: "past_due", pastDueSince: new Date("2026-11-14T12:00:00Z"), limitOverrides: {} },
      free,
      now,
      14,
    );
    expect(within.limits.maxAgents).toBe(100);
    const beyond = effectiveLimits(
      { ...pro, status: "past_due", pastDueSince: new Date("2026-11-01T12:00:00Z"), limitOverrides: {} },
      free,
      now,
      14,
    );
    expect(beyond).toEqual({ limits: free, degradedToFree: true });
  });

  it("gives Free limits to a canceled subscription", () => {
    expect(
      effectiveLimits({ ...pro, status: "canceled", pastDueSince: null, limitOverrides: {} }, free, now, 14).limits,
    ).toEqual(free);
  });
});

describe("periods", () => {
  it("takes the UTC calendar month for Free", () => {
    const p = calendarMonth(new Date("2026-11-24T23:59:59Z"));
    expect(p.start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("adds months clamping to the month's end like Stripe", () => {
    expect(addMonths(new Date("2026-01-31T10:00:00Z"), 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addMonths(new Date("2026-03-08T00:00:00Z"), -1).toISOString()).toBe("2026-02-08T00:00:00.000Z");
  });

  it("rolls a stale stored period forward", () => {
    const stored = { start: new Date("2026-09-08T00:00:00Z"), end: new Date("2026-10-08T00:00:00Z") };
    const p = periodAt(stored, 1, new Date("2026-11-24T00:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-08T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });

  it("slices an annual period into monthly usage periods", () => {
    const year = { start: new Date("2026-03-15T00:00:00Z"), end: new Date("2027-03-15T00:00:00Z") };
    const p = usagePeriodAt(year, "annual", new Date("2026-11-24T00:00:00Z"));
    expect(p.start.toISOString()).toBe("2026-11-15T00:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-15T00:00:00.000Z");
  });
});

describe("one vocabulary for the metrics", () => {
  it("calls the people of an organization Members, everywhere", () => {
    expect(METRIC_LABEL).toEqual({
      users: "Members",
      agents: "Agents",
      executions: "Executions",
      storage_bytes: "Storage",
      gateways: "Gateways",
    });
    expect(METRICS.map(limitLabel)).toEqual(["Members", "Agents", "Executions / month", "Storage", "Gateways"]);
    expect(METRIC_NOUN.users).toEqual({ one: "member", many: "members" });
  });

  it("gives the console the same names, with the unit storage is entered in", () => {
    expect(LIMIT_LABEL).toEqual({
      maxUsers: "Members",
      maxAgents: "Agents",
      maxExecutionsPerMonth: "Executions / month",
      maxStorageGb: "Storage (GB)",
      maxGateways: "Gateways",
    });
  });

  it("names the metric in limit messages with its noun", () => {
    expect(evaluateLimit({ metric: "users", limit: null, used: 2, amount: 1 }).reason).toBe(
      "No members limit on this plan.",
    );
  });
});

describe("groupThousands", () => {
  it('writes numbers as toLocaleString("en-US") does', () => {
    const values = [0, 7, -7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -123_456_789, 1_000_000_000_000];
    values.push(Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5, -0.25, 1234.5678, NaN, Infinity, -0);
    for (const v of values) expect(groupThousands(v)).toBe(v.toLocaleString("en-US"));
  });
});
