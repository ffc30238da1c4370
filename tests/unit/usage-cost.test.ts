import { describe, expect, it } from "vitest";
import { limitsOf } from "@/lib/plans/limits";
import { baseCost, computePeriodCost, coveredPart } from "@/lib/usage/cost";
import { overagePricesOf } from "@/lib/usage/plan-context";

const period = { start: new Date("2026-11-08T00:00:00Z"), end: new Date("2026-12-08T00:00:00Z") };
const limits = limitsOf({
  maxUsers: null,
  maxAgents: 100,
  maxExecutionsPerMonth: 100_000,
  maxStorageGb: 100,
  maxGateways: 10,
});
const noOverage = overagePricesOf({
  overageCentsPer1kExecutions: null,
  overageCentsPerAgent: null,
  overageCentsPerStorageGb: null,
  overageCentsPerGateway: null,
});
const usage = { executions: 50_000, agents: 40, storage_bytes: 10_000_000_000, gateways: 3 };
const active = { trialEnd: null, canceledAt: null, status: "active" };

describe("period cost", () => {
  it("charges the per-seat price × seats for a whole period", () => {
    const cost = computePeriodCost({
      cycleAmountCents: 4_900 * 6,
      cycleMonths: 1,
      period,
      covered: coveredPart(period, active),
      usage,
      limits,
      overage: noOverage,
    });
    expect(cost).toEqual({ baseCents: 29_400, overageCents: 0, costCents: 29_400, overageLines: [] });
  });

  it("spreads an annual price over its twelve monthly usage periods", () => {
    expect(baseCost({ cycleAmountCents: 49_000 * 2, cycleMonths: 12, period, covered: period })).toBe(8_167); // 98,000 / 12, rounded
  });

  it("prorates a partial period by the seconds covered", () => {
    const trialEnded = coveredPart(period, { ...active, trialEnd: new Date("2026-11-23T00:00:00Z") });
    expect(trialEnded).toEqual({ start: new Date("2026-11-23T00:00:00Z"), end: period.end });
    expect(baseCost({ cycleAmountCents: 30_000, cycleMonths: 1, period, covered: trialEnded })).toBe(15_000); // 15 of 30 days
    const canceled = coveredPart(period, {
      trialEnd: null,
      canceledAt: new Date("2026-11-18T00:00:00Z"),
      status: "canceled",
    });
    expect(baseCost({ cycleAmountCents: 30_000, cycleMonths: 1, period, covered: canceled })).toBe(10_000);
    expect(
      coveredPart(period, { trialEnd: null, canceledAt: new Date("2026-11-01T00:00:00Z"), status: "canceled" }),
    ).toBeNull();
    expect(coveredPart(period, null)).toBeNull();
    expect(baseCost({ cycleAmountCents: 30_000, cycleMonths: 1, period, covered: null })).toBe(0);
  });

  it("adds overage lines for metrics priced per block, rounded up to a started block", () => {
    const overage = overagePricesOf({
      overageCentsPer1kExecutions: 40,
      overageCentsPerAgent: 100,
      overageCentsPerStorageGb: 5,
      overageCentsPerGateway: null,
    });
    const cost = computePeriodCost({
      cycleAmountCents: 100_000,
      cycleMonths: 1,
      period,
      covered: period,
      usage: { executions: 102_001, agents: 103, storage_bytes: 100_000_000_001, gateways: 12 },
      limits,
      overage,
    });
    expect(cost.overageLines).toEqual([
      { metric: "executions", quantity: 2_001, unitCents: 40, amountCents: 120 },
      { metric: "agents", quantity: 3, unitCents: 100, amountCents: 300 },
      { metric: "storage_bytes", quantity: 1, unitCents: 5, amountCents: 5 },
    ]);
    expect(cost).toMatchObject({ baseCents: 100_000, overageCents: 425, costCents: 100_425 });
  });

  it("never bills overage on unlimited metrics, and a custom price left unset costs nothing", () => {
    const overage = overagePricesOf({
      overageCentsPer1kExecutions: 40,
      overageCentsPerAgent: null,
      overageCentsPerStorageGb: null,
      overageCentsPerGateway: null,
    });
    const cost = computePeriodCost({
      cycleAmountCents: null,
      cycleMonths: 12,
      period,
      covered: period,
      usage: { ...usage, executions: 10 ** 9 },
      limits: { ...limits, maxExecutionsPerMonth: null },
      overage,
    });
    expect(cost).toEqual({ baseCents: 0, overageCents: 0, costCents: 0, overageLines: [] });
  });
});
