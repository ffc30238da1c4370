import { describe, expect, it } from "vitest";
import { overLimits } from "@/lib/billing/fit";
import { evaluateLimit } from "@/lib/plans/limits";

describe("over the limits after a cancellation", () => {
  it("a limit check already over says what is kept, what is refused and how much to remove", () => {
    const d = evaluateLimit({ metric: "agents", limit: 10, used: 46, amount: 2, planName: "Free" });
    expect(d).toMatchObject({ allowed: false, remaining: 0, overage: 0 });
    expect(d.reason).toBe(
      "You have 46 agents, over the Free plan's limit of 10: nothing was deleted, but no more can be added. Remove 38 to add 2, or upgrade your plan.",
    );
    // At the limit (not over) keeps the usual sentence.
    expect(evaluateLimit({ metric: "agents", limit: 10, used: 10, amount: 1, planName: "Free" }).reason).toMatch(
      /^This would reach 11 agents/,
    );
  });

  it("lists every metric over its limit, in the metric's unit, and nothing unlimited or within", () => {
    expect(
      overLimits(
        [
          { metric: "users", used: 6, limit: 3 },
          { metric: "agents", used: 10, limit: 10 },
          { metric: "executions", used: 12_500, limit: 10_000 },
          { metric: "storage_bytes", used: 2_500_000_000, limit: 1_000_000_000 },
          { metric: "gateways", used: 4, limit: null },
        ],
        "Free",
      ).map((o) => [o.metric, o.over, o.text]),
    ).toEqual([
      ["users", 3, "6 members (Free allows 3)"],
      ["executions", 2_500, "12,500 executions (Free allows 10,000 a month)"],
      ["storage_bytes", 1_500_000_000, "2.5 GB of storage (Free allows 1 GB)"],
    ]);
  });
});
