import { describe, expect, it } from "vitest";
import { recommendPlan, type RecommendInput, type RecommendPlan } from "@/lib/billing/recommend";
import { PLAN_CATALOG } from "@/lib/plans/catalog";
import type { Limits } from "@/lib/plans/limits";

const plans: RecommendPlan[] = PLAN_CATALOG.map((p) => ({
  id: p.id,
  name: p.name,
  perSeat: p.perSeat ?? true,
  currency: p.currency ?? "usd",
  monthlyCents: p.pricePerSeatMonthlyCents ?? null,
  annualCents: p.pricePerSeatAnnualCents ?? null,
  limits: {
    maxUsers: p.maxUsers ?? null,
    maxAgents: p.maxAgents ?? null,
    maxExecutionsPerMonth: p.maxExecutionsPerMonth ?? null,
    maxStorageGb: p.maxStorageGb ?? null,
    maxGateways: p.maxGateways ?? null,
  } satisfies Limits,
}));

const FREE_USAGE = (over: Partial<Record<string, number>> = {}): RecommendInput["usage"] => [
  { metric: "users", used: over.users ?? 1, limit: 3 },
  { metric: "agents", used: over.agents ?? 2, limit: 10 },
  { metric: "executions", used: over.executions ?? 1_000, limit: 10_000 },
  { metric: "storage_bytes", used: over.storage_bytes ?? 100_000_000, limit: 1_000_000_000 },
  { metric: "gateways", used: over.gateways ?? 0, limit: 1 },
];

const base = (over: Partial<RecommendInput> = {}): RecommendInput => ({
  plans,
  currentPlanId: "free",
  cycle: "monthly",
  members: 1,
  usage: FREE_USAGE(),
  billedInStripe: false,
  ...over,
});

describe("recommendPlan", () => {
  it("says nothing when a Free organization is well within its limits", () => {
    expect(recommendPlan(base())).toBeNull();
  });

  it("suggests Pro when Free's executions are nearly used up, priced for the members", () => {
    const r = recommendPlan(base({ members: 2, usage: FREE_USAGE({ users: 2, executions: 9_600 }) }));
    expect(r).toEqual({
      kind: "upgrade",
      title: "You used 96% of Free's executions this period.",
      detail: "Pro raises it to 100,000 for $98.00/month for 2 seats.",
      target: { planId: "pro", cycle: "monthly" },
    });
  });

  it("counts the periods running at the limit's pressure", () => {
    const r = recommendPlan(
      base({ usage: FREE_USAGE({ executions: 9_600 }), previousExecutions: [9_100, 8_200, 4_000] }),
    );
    expect(r?.title).toBe("You used 96% of Free's executions this period, and 80% or more 3 periods running.");
    expect(r?.detail).toBe("Pro raises it to 100,000 for $49.00/month for 1 seat.");
  });

  it("names a full limit and says Pro removes the cap on members", () => {
    const r = recommendPlan(base({ members: 3, usage: FREE_USAGE({ users: 3, executions: 9_400 }) }));
    expect(r?.title).toBe("You've reached Free's limit of 3 members.");
    expect(r?.detail).toBe("Pro removes the cap for $147.00/month for 3 seats.");
    expect(r?.target).toEqual({ planId: "pro", cycle: "monthly" });
  });

  it("says a limit of one in the singular", () => {
    const r = recommendPlan(base({ usage: FREE_USAGE({ gateways: 1 }) }));
    expect(r?.title).toBe("You've reached Free's limit of 1 gateway.");
    expect(r?.detail).toBe("Pro raises it to 10 for $49.00/month for 1 seat.");
  });

  it("speaks of gauges in the present and storage in bytes", () => {
    const r = recommendPlan(base({ usage: FREE_USAGE({ storage_bytes: 900_000_000 }) }));
    expect(r?.title).toBe("You're using 90% of Free's storage (900 MB of 1 GB).");
    expect(r?.detail).toBe("Pro raises it to 100 GB for $49.00/month for 1 seat.");
  });

  it("points a Pro organization near its limits to Enterprise's contact form", () => {
    const r = recommendPlan(
      base({
        currentPlanId: "pro",
        members: 5,
        billedInStripe: true,
        usage: [
          { metric: "users", used: 5, limit: null },
          { metric: "executions", used: 85_000, limit: 100_000 },
        ],
      }),
    );
    expect(r).toMatchObject({ kind: "contact", title: "You used 85% of Pro's executions this period.", target: null });
  });

  it("offers annual billing with the yearly saving to a monthly Pro organization", () => {
    const r = recommendPlan(
      base({
        currentPlanId: "pro",
        members: 4,
        billedInStripe: true,
        usage: [{ metric: "executions", used: 20_000, limit: 100_000 }],
      }),
    );
    expect(r).toEqual({
      kind: "annual",
      title: "At your usage, annual billing saves $392.00 a year.",
      detail: "$1,960.00 a year instead of $196.00 a month for 4 seats: 16% less.",
      target: { planId: "pro", cycle: "annual" },
    });
  });

  it("offers nothing to annual or unbilled organizations without limit pressure", () => {
    const quiet = [{ metric: "executions" as const, used: 10, limit: 100_000 }];
    expect(
      recommendPlan(base({ currentPlanId: "pro", cycle: "annual", billedInStripe: true, usage: quiet })),
    ).toBeNull();
    expect(recommendPlan(base({ currentPlanId: "pro", billedInStripe: false, usage: quiet }))).toBeNull();
  });

  it("offers no upsell while a payment is past due (or the subscription is unpaid or incomplete)", () => {
    const monthlyPro = {
      currentPlanId: "pro",
      members: 4,
      billedInStripe: true,
      usage: [{ metric: "executions" as const, used: 20_000, limit: 100_000 }],
    };
    expect(recommendPlan(base({ ...monthlyPro, status: "active" }))?.kind).toBe("annual");
    for (const status of ["past_due", "unpaid", "incomplete"]) {
      expect(recommendPlan(base({ ...monthlyPro, status }))).toBeNull();
      // Not even an upgrade at a full limit: the failed payment comes first.
      expect(
        recommendPlan(base({ ...monthlyPro, status, usage: [{ metric: "executions", used: 99_000, limit: 100_000 }] })),
      ).toBeNull();
    }
  });

  it("has nothing to offer above the top plan", () => {
    const r = recommendPlan(
      base({ currentPlanId: "enterprise", usage: [{ metric: "executions", used: 4_900_000, limit: 5_000_000 }] }),
    );
    expect(r).toBeNull();
  });

  it("formats money in the given locale", () => {
    const r = recommendPlan(base({ locale: "de-DE", usage: FREE_USAGE({ executions: 9_000 }) }));
    expect(r?.detail).toBe("Pro raises it to 100,000 for 49,00\u00a0$/month for 1 seat.");
  });
});
