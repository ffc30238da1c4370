import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { evaluateFlag, inRollout, rolloutBucket, ROLLOUT_BUCKETS } from "@/lib/flags/evaluate";
import { createFlagSchema, flagOverrideSchema } from "@/lib/flags/schemas";
import { z } from "zod";
import { coerceForm } from "@/lib/input";

const ORG_IDS = Array.from({ length: 10_000 }, () => randomUUID());

describe("percentage rollout", () => {
  it("puts an organization in the same bucket every time", () => {
    for (const id of ORG_IDS.slice(0, 200)) {
      const b = rolloutBucket("agent-marketplace", id);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(ROLLOUT_BUCKETS);
      expect(rolloutBucket("agent-marketplace", id)).toBe(b);
    }
    // A known value, so a change of hash (which would reshuffle every rollout) fails loudly.
    expect(rolloutBucket("agent-marketplace", "00000000-0000-4000-8000-000000000000")).toBe(7136);
  });

  it.each([1, 10, 25, 50, 75, 99])("turns on within ±2%% of %i%% of 10,000 organizations", (percent) => {
    const on = ORG_IDS.filter((id) => inRollout("new-dashboard", id, percent)).length;
    expect(Math.abs(on / ORG_IDS.length - percent / 100)).toBeLessThanOrEqual(0.02);
  });

  it("is all or nothing at 100% and 0%", () => {
    expect(ORG_IDS.every((id) => inRollout("f", id, 100))).toBe(true);
    expect(ORG_IDS.some((id) => inRollout("f", id, 0))).toBe(false);
  });

  it("only adds organizations as the percentage grows (nobody flips off)", () => {
    const at20 = new Set(ORG_IDS.filter((id) => inRollout("grow", id, 20)));
    const at40 = new Set(ORG_IDS.filter((id) => inRollout("grow", id, 40)));
    for (const id of at20) expect(at40.has(id)).toBe(true);
  });

  it("draws independently per flag", () => {
    const a = ORG_IDS.filter((id) => inRollout("flag-a", id, 50));
    const both = a.filter((id) => inRollout("flag-b", id, 50)).length;
    // Independent halves overlap on about a quarter.
    expect(Math.abs(both / ORG_IDS.length - 0.25)).toBeLessThanOrEqual(0.02);
  });
});

describe("flag decision", () => {
  const id = ORG_IDS[0]!;
  it("lets an override beat the rollout and the default", () => {
    expect(evaluateFlag({ key: "x", defaultEnabled: true, rolloutPercent: 100 }, id, false)).toEqual({
      key: "x",
      enabled: false,
      source: "override",
    });
    expect(evaluateFlag({ key: "x", defaultEnabled: false, rolloutPercent: 0 }, id, true)).toEqual({
      key: "x",
      enabled: true,
      source: "override",
    });
  });
  it("uses the rollout, then the default", () => {
    expect(evaluateFlag({ key: "x", defaultEnabled: false, rolloutPercent: 100 }, id, undefined).source).toBe(
      "rollout",
    );
    expect(evaluateFlag({ key: "x", defaultEnabled: true, rolloutPercent: 0 }, id, undefined)).toEqual({
      key: "x",
      enabled: true,
      source: "default",
    });
    expect(evaluateFlag({ key: "x", defaultEnabled: false, rolloutPercent: 0 }, id, undefined)).toEqual({
      key: "x",
      enabled: false,
      source: "default",
    });
  });
});

describe("flag inputs", () => {
  it("read a form's strings through the form layer, and say what is wrong", () => {
    const form = <S extends z.ZodType>(schema: S, value: unknown) => schema.safeParse(coerceForm(schema, value));
    expect(
      form(createFlagSchema, { key: " New-Thing ", rolloutPercent: "30", defaultEnabled: "on", reason: "launch" }).data,
    ).toMatchObject({
      key: "new-thing",
      rolloutPercent: 30,
      defaultEnabled: true,
    });
    const bad = form(createFlagSchema, { key: "a b", rolloutPercent: "130", reason: "" });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^key: Use 2–63/),
        "rolloutPercent: The rollout can't be above 100%.",
        expect.stringMatching(/^reason: Give a reason/),
      ]),
    );
    expect(form(flagOverrideSchema, { organization: "acme", enabled: "maybe", reason: "abc" }).success).toBe(false);
    expect(form(flagOverrideSchema, { organization: "acme", enabled: "off", reason: "abc" }).data?.enabled).toBe(false);
    // JSON is strict: the same strings sent as JSON are refused.
    expect(createFlagSchema.safeParse({ key: "new-thing", rolloutPercent: "30", reason: "launch" }).success).toBe(
      false,
    );
    expect(flagOverrideSchema.safeParse({ organization: "acme", enabled: "off", reason: "abc" }).success).toBe(false);
  });
});
