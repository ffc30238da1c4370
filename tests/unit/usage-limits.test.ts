import { describe, expect, it } from "vitest";
import { applyOverrides, evaluateLimit, limitForMetric, limitsOf } from "@/lib/plans/limits";
import { addMonths, usagePeriodAt } from "@/lib/plans/period";
import { alertCandidates } from "@/lib/usage/alerts";
import { usedFrom } from "@/lib/usage/limits";
import { periodMapper, periodsOverlapping, usagePeriodFor } from "@/lib/usage/periods";

const free = limitsOf({ maxUsers: 3, maxAgents: 10, maxExecutionsPerMonth: 10_000, maxStorageGb: 1, maxGateways: 1 });
const period = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") };

describe("limit arithmetic for checks", () => {
  it("applies overrides key by key; null lifts a limit", () => {
    const limits = applyOverrides(free, { maxExecutionsPerMonth: 25_000, maxAgents: null });
    expect(limitForMetric(limits, "executions")).toBe(25_000);
    expect(
      evaluateLimit({ metric: "agents", limit: limitForMetric(limits, "agents"), used: 5_000, amount: 1 }),
    ).toMatchObject({ allowed: true, limit: null, remaining: null });
    expect(limitForMetric(limits, "storage_bytes")).toBe(1_000_000_000);
  });

  it("treats exactly reaching the limit as allowed and one more as refused", () => {
    expect(evaluateLimit({ metric: "executions", limit: 10_000, used: 9_999, amount: 1 }).allowed).toBe(true);
    expect(evaluateLimit({ metric: "executions", limit: 10_000, used: 10_000, amount: 1 }).allowed).toBe(false);
    expect(evaluateLimit({ metric: "gateways", limit: 0, used: 0, amount: 0 }).allowed).toBe(true);
  });

  it("counts executions of this period only, and a gauge's latest value even from an earlier period", () => {
    const ctx = { usagePeriod: period };
    const thisPeriod = { periodStart: period.start, value: 42, current: null };
    const earlier = { periodStart: new Date("2026-10-01T00:00:00Z"), value: 77, current: 9 };
    expect(usedFrom("executions", ctx, thisPeriod, 0)).toBe(42);
    expect(usedFrom("executions", ctx, earlier, 0)).toBe(0);
    expect(usedFrom("agents", ctx, earlier, 0)).toBe(9);
    expect(usedFrom("agents", ctx, null, 0)).toBe(0);
    expect(usedFrom("users", ctx, null, 3)).toBe(3);
  });
});

describe("usage alerts", () => {
  it("fire at 80% and at 100%, never for unlimited", () => {
    const at = (used: number, limit: number | null) =>
      alertCandidates([{ metric: "executions", periodStart: period.start, used, limit }]).map(
        (c) => c.thresholdPercent,
      );
    expect(at(7_999, 10_000)).toEqual([]);
    expect(at(8_000, 10_000)).toEqual([80]);
    expect(at(12_000, 10_000)).toEqual([80, 100]);
    expect(at(5, null)).toEqual([]);
    expect(at(1, 0)).toEqual([80, 100]);
  });
});

describe("usage periods", () => {
  it("are calendar months on Free", () => {
    const p = usagePeriodFor({ kind: "calendar" }, new Date("2026-02-14T10:00:00Z"));
    expect(p).toEqual({ start: new Date("2026-02-01T00:00:00Z"), end: new Date("2026-03-01T00:00:00Z") });
  });

  it("follow the subscription's anchor, also before the stored period", () => {
    const billing = { start: new Date("2026-11-08T00:00:00Z"), end: new Date("2026-12-08T00:00:00Z") };
    const source = { kind: "subscription" as const, billing, cycle: "monthly" as const };
    expect(usagePeriodFor(source, new Date("2026-11-20T00:00:00Z"))).toEqual(billing);
    expect(usagePeriodFor(source, new Date("2026-11-07T23:59:59Z"))).toEqual({
      start: new Date("2026-10-08T00:00:00Z"),
      end: billing.start,
    });
    expect(usagePeriodFor(source, new Date("2026-12-09T00:00:00Z"))).toEqual(
      usagePeriodAt(billing, "monthly", new Date("2026-12-09T00:00:00Z")),
    );
    expect(
      periodsOverlapping(source, new Date("2026-10-20T00:00:00Z"), new Date("2026-11-24T00:00:00Z")).map((p) =>
        p.start.toISOString(),
      ),
    ).toEqual(["2026-10-08T00:00:00.000Z", "2026-11-08T00:00:00.000Z"]);
  });

  it("cut an annual subscription into monthly slices", () => {
    const billing = { start: new Date("2026-03-15T00:00:00Z"), end: new Date("2027-03-15T00:00:00Z") };
    const source = { kind: "subscription" as const, billing, cycle: "annual" as const };
    const p = usagePeriodFor(source, new Date("2026-11-24T00:00:00Z"));
    expect(p).toEqual({ start: new Date("2026-11-15T00:00:00Z"), end: new Date("2026-12-15T00:00:00Z") });
    expect(usagePeriodFor(source, new Date("2026-03-01T00:00:00Z"))).toEqual({
      start: addMonths(billing.start, -1),
      end: billing.start,
    });
    const map = periodMapper(source);
    expect(map(new Date("2026-11-30T00:00:00Z"))).toBe(map(new Date("2026-11-16T00:00:00Z")));
  });
});
