import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { attemptKey, canonicalJson } from "@/lib/billing/attempt";

describe("attempt keys", () => {
  const request = { update: "sub_1", params: { items: [{ id: "si_1", quantity: 3 }] }, paymentMethod: "pm_a" };

  it("are the same for the same attempt and request, whatever the key order", () => {
    const reordered = { paymentMethod: "pm_a", params: { items: [{ quantity: 3, id: "si_1" }] }, update: "sub_1" };
    expect(attemptKey("seats", "attempt-0001", request)).toBe(attemptKey("seats", "attempt-0001", reordered));
  });

  it("differ for another card, another quantity, another attempt or another kind", () => {
    const base = attemptKey("seats", "attempt-0001", request);
    expect(attemptKey("seats", "attempt-0001", { ...request, paymentMethod: "pm_b" })).not.toBe(base);
    expect(
      attemptKey("seats", "attempt-0001", { ...request, params: { items: [{ id: "si_1", quantity: 4 }] } }),
    ).not.toBe(base);
    expect(attemptKey("seats", "attempt-0002", request)).not.toBe(base);
    expect(attemptKey("change", "attempt-0001", request)).not.toBe(base);
  });

  it("refuse an attempt id that isn't one, and stay within Stripe's 255 characters", () => {
    expect(() => attemptKey("seats", "x", request)).toThrow(/attempt id/);
    expect(() => attemptKey("seats", "has spaces in it", request)).toThrow(/attempt id/);
    expect(attemptKey("enterprise-subscribe", "a".repeat(64), request).length).toBeLessThanOrEqual(255);
  });

  it("canonical JSON ignores key order at every level and keeps every value apart", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), (obj, other) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
        if (JSON.stringify(other) !== JSON.stringify(obj) && canonicalJson(other) === canonicalJson(obj))
          expect(JSON.parse(JSON.stringify(other))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
});
