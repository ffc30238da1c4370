import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import {
  coerceForm,
  dateRangeSchema,
  daySchema,
  instantSchema,
  isUuid,
  MAX_INPUT_STRING,
  numberFromText,
  sanitizeInput,
  stringProblem,
  strictDeep,
} from "@/lib/input";
import { setLimitOverrideSchema } from "@/lib/admin/schemas";
import { createFlagSchema, flagOverrideSchema } from "@/lib/flags/schemas";

describe("the string sanitiser", () => {
  it("refuses NUL, other control characters and lone surrogates, naming the path", () => {
    const { issues } = sanitizeInput({ a: "ok", b: ["fine", "bad\u0000"], c: { d: "\ud800" }, "e\u0001": 1 });
    expect(issues.map((i) => i.path)).toEqual(["b.1", "c.d", '"e\\u0001"']);
    expect(issues[0]!.message).toMatch(/control character \(U\+0000\)/);
    expect(issues[1]!.message).toMatch(/surrogate/);
  });

  it("refuses a __proto__ key at any depth instead of letting it become the copy's prototype", () => {
    const { value, issues } = sanitizeInput(JSON.parse('{"a":1,"__proto__":{"admin":true},"n":{"__proto__":5}}'));
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "__proto__: is not a field here (a reserved name).",
      "n.__proto__: is not a field here (a reserved name).",
    ]);
    expect((value as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it("keeps tab, new lines and well-formed text of any script, normalised to NFC", () => {
    const { value, issues } = sanitizeInput({ memo: "line 1\nline 2\tcol", name: "Cafe\u0301 🙂 日本" });
    expect(issues).toEqual([]);
    expect(value).toEqual({ memo: "line 1\nline 2\tcol", name: "Café 🙂 日本" });
  });

  it("returns a clean plain input as it came, and copies only what it changes", () => {
    const clean = JSON.parse('{"events":[{"metric":"executions","quantity":1,"note":"caf\u00e9"}],"n":null}') as {
      events: { note: string }[];
    };
    const same = sanitizeInput(clean);
    expect(same.issues).toEqual([]);
    expect(same.value).toBe(clean);

    const input = { keep: { a: "x" }, list: [{ b: "y" }, { c: "Cafe\u0301" }], "Cafe\u0301": 1, after: [1] };
    const { value, issues } = sanitizeInput(input) as { value: typeof input & Record<string, unknown>; issues: [] };
    expect(issues).toEqual([]);
    expect(value).toEqual({ keep: { a: "x" }, list: [{ b: "y" }, { c: "Café" }], Café: 1, after: [1] });
    // The changed path is a copy, untouched branches are shared, and the input is left as it was.
    expect(value).not.toBe(input);
    expect(value.list).not.toBe(input.list);
    expect(value.keep).toBe(input.keep);
    expect(value.list[0]).toBe(input.list[0]);
    expect(value.after).toBe(input.after);
    expect(input.list[1]!.c).toBe("Cafe\u0301");
    expect(Object.keys(value)).toEqual(["keep", "list", "Café", "after"]);
  });

  it("copies objects of other prototypes into plain ones, as before", () => {
    class Thing {
      a = "x";
    }
    const thing = new Thing();
    const { value } = sanitizeInput({ thing, none: Object.assign(Object.create(null) as object, { b: 1 }) });
    const v = value as { thing: object; none: object };
    expect(v.thing).not.toBe(thing);
    expect(v.thing).toEqual({ a: "x" });
    expect(Object.getPrototypeOf(v.thing)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(v.none)).toBe(Object.prototype);
  });

  it("refuses strings past the cap of any field", () => {
    expect(stringProblem("x".repeat(MAX_INPUT_STRING))).toBeNull();
    expect(stringProblem("x".repeat(MAX_INPUT_STRING + 1))).toMatch(/too long/);
  });

  it("property: a string is accepted exactly when it has no control character and no lone surrogate", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(s) || !s.isWellFormed();
        const { value, issues } = sanitizeInput(s);
        expect(issues.length > 0).toBe(bad);
        if (!bad) expect(value).toBe(s.normalize("NFC"));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("numbers typed as text (form layer and queries only)", () => {
  it("reads plain decimals, nothing else", () => {
    expect(numberFromText("42")).toBe(42);
    expect(numberFromText(" -3 ")).toBe(-3);
    expect(numberFromText("2.5")).toBe(2.5);
    expect(numberFromText("")).toBeUndefined();
    for (const s of ["1e2", "0x10", "Infinity", "NaN", "5 apples", "1_000", "0b1", "+", "."])
      expect(numberFromText(s)).toBe(s);
  });
});

describe("the form layer", () => {
  it("turns a form's text into what the strict schema expects", () => {
    expect(
      setLimitOverrideSchema.parse(
        coerceForm(setLimitOverrideSchema, { key: "maxAgents", value: "25", reason: "pilot" }),
      ),
    ).toEqual({
      key: "maxAgents",
      value: 25,
      reason: "pilot",
    });
    expect(
      createFlagSchema.parse(
        coerceForm(createFlagSchema, { key: "x-flag", defaultEnabled: "on", rolloutPercent: "10", reason: "why not" }),
      ),
    ).toMatchObject({
      defaultEnabled: true,
      rolloutPercent: 10,
    });
    expect(
      flagOverrideSchema.parse(
        coerceForm(flagOverrideSchema, { organization: "acme", enabled: "off", reason: "test it" }),
      ).enabled,
    ).toBe(false);
  });

  it("leaves text a number field can't be as text, so the schema refuses it with its message", () => {
    for (const value of ["1e2", "0x10", "ten"]) {
      const r = setLimitOverrideSchema.safeParse(
        coerceForm(setLimitOverrideSchema, { key: "maxAgents", value, reason: "pilot" }),
      );
      expect(r.success).toBe(false);
    }
  });

  it("walks nested objects, arrays and records", () => {
    const schema = z.object({
      lines: z.array(z.object({ quantity: z.number(), note: z.string() })),
      limits: z.record(z.string(), z.union([z.null(), z.number()])),
    });
    expect(coerceForm(schema, { lines: [{ quantity: "3", note: "7" }], limits: { a: "5", b: null } })).toEqual({
      lines: [{ quantity: 3, note: "7" }],
      limits: { a: 5, b: null },
    });
  });

  it("JSON schemas stay strict: the JSON forms of the issue's coercions are refused", () => {
    for (const value of [true, [5], "0x10", "1e2", "5"])
      expect(setLimitOverrideSchema.safeParse({ key: "maxAgents", value, reason: "x y z" }).success).toBe(false);
    expect(createFlagSchema.safeParse({ key: "k-flag", rolloutPercent: true, reason: "x y z" }).success).toBe(false);
  });
});

describe("ids and days", () => {
  it("one id parser", () => {
    expect(isUuid("7d1c5e38-2f7e-4a3b-9a55-3d1f0c8e9b21")).toBe(true);
    for (const s of [
      "a".repeat(36),
      "-".repeat(36),
      "7d1c5e38-2f7e-4a3b-9a55-3d1f0c8e9b2",
      "7d1c5e38-2f7e-4a3b-9a55-3d1f0c8e9b21\u0000",
      5,
      null,
    ])
      expect(isUuid(s)).toBe(false);
  });

  it("a day is a real calendar day between 2000 and 2100", () => {
    const day = daySchema("from");
    expect(day.parse("2026-11-30")).toBe("2026-11-30");
    for (const s of ["0000-01-01", "9999-12-31", "2026-02-30", " ", "2026-1-1", "2026-11-30T00:00:00Z", "1999-12-31"])
      expect(day.safeParse(s).success).toBe(false);
    expect(instantSchema("from").safeParse("2026-11-30T10:00:00Z").success).toBe(true);
    expect(instantSchema("from").safeParse("0000-01-01T00:00:00Z").success).toBe(false);
  });

  it("a date range: blank is not given, from not after to, a longest span", () => {
    const range = dateRangeSchema({ maxDays: 31 });
    expect(range.parse({ from: " ", to: "2026-11-30" })).toEqual({ to: "2026-11-30" });
    expect(range.safeParse({ from: "2026-12-01", to: "2026-11-30" }).success).toBe(false);
    expect(range.safeParse({ from: "2026-10-01", to: "2026-11-30" }).success).toBe(false);
    expect(range.parse({ from: "2026-11-01", to: "2026-12-01" })).toEqual({ from: "2026-11-01", to: "2026-12-01" });
  });
});

describe("strictDeep: JSON bodies are strict all the way down", () => {
  const schema = z.object({
    limits: z.object({ maxAgents: z.number() }).partial().default({}),
    lines: z.array(z.object({ description: z.string() })).min(1),
    metadata: z.record(z.string(), z.string()).optional(),
    extra: z.object({ a: z.number() }).loose().optional(),
    picked: z
      .object({ n: z.number() })
      .refine((v) => v.n > 0, "n must be positive")
      .optional(),
  });
  const strict = strictDeep(schema);
  const ok = { limits: { maxAgents: 5 }, lines: [{ description: "x" }] };

  it("refuses unknown keys in nested objects and array items, naming their path", () => {
    expect(strict.safeParse(ok).success).toBe(true);
    const nested = strict.safeParse({ ...ok, limits: { maxAgents: 5, maxAgnets: 9 } });
    expect(nested.success).toBe(false);
    expect(nested.error!.issues[0]).toMatchObject({ code: "unrecognized_keys", path: ["limits"], keys: ["maxAgnets"] });
    const item = strict.safeParse({ ...ok, lines: [{ description: "x", amount: 5 }] });
    expect(item.error!.issues[0]).toMatchObject({ path: ["lines", 0], keys: ["amount"] });
    expect(strict.safeParse({ ...ok, top: 1 }).success).toBe(false);
  });

  it("keeps free-form parts free-form and refinements in force", () => {
    expect(strict.safeParse({ ...ok, metadata: { anything: "goes", at: "all" } }).success).toBe(true);
    expect(strict.safeParse({ ...ok, extra: { a: 1, b: 2 } }).success).toBe(true);
    expect(strict.safeParse({ ...ok, picked: { n: 0 } }).error!.issues[0]!.message).toBe("n must be positive");
    expect(strict.safeParse({ ...ok, picked: { n: 1, m: 2 } }).success).toBe(false);
    // Defaults still apply, and the original schema is untouched.
    expect(strict.parse({ lines: [{ description: "x" }] }).limits).toEqual({});
    expect(schema.safeParse({ ...ok, limits: { maxAgents: 5, other: 1 } }).success).toBe(true);
    expect(strictDeep(schema)).toBe(strict);
  });
});
