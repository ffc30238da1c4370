import { describe, expect, it } from "vitest";
import { Stripe } from "@/lib/stripe/client";
import { isStripeError, toAppError } from "@/lib/stripe/errors";

/**
 * One process can hold two copies of the Stripe SDK (the custom server's CommonJS bundle creates
 * the shared client; Next's pages and actions import the ESM build): a decline thrown by the other
 * copy is not `instanceof` this copy's classes, and was a server error page instead of "Your card
 * was declined". Stripe's errors are recognised by their class name too.
 */

/** An error as the other copy of the SDK throws it: same shape, another class. */
function fromOtherCopy(type: string, raw: Record<string, unknown>): Error {
  class OtherStripeError extends Error {}
  return Object.assign(new OtherStripeError(String(raw.message ?? "")), { ...raw, type, rawType: raw.type });
}

describe("Stripe errors from another copy of the SDK", () => {
  it("are recognised by class name, and a decline reads as a decline", () => {
    const decline = fromOtherCopy("StripeCardError", {
      type: "card_error",
      code: "card_declined",
      decline_code: "generic_decline",
      message: "Your card was declined.",
    });
    expect(decline instanceof Stripe.errors.StripeCardError).toBe(false);
    expect(isStripeError(decline, "StripeCardError")).toBe(true);
    expect(isStripeError(decline)).toBe(true);
    expect(isStripeError(decline, "StripeInvalidRequestError")).toBe(false);
    const e = toAppError(decline);
    expect(e).toMatchObject({ code: "payment_failed", status: 402 });
    expect(e.message).toMatch(/^Your card was declined\./);
  });

  it("translate a missing resource and an idempotency clash as this copy's errors do", () => {
    expect(
      toAppError(
        fromOtherCopy("StripeInvalidRequestError", { type: "invalid_request_error", code: "resource_missing" }),
      ).code,
    ).toBe("not_found");
    expect(toAppError(fromOtherCopy("StripeIdempotencyError", { type: "idempotency_error" })).code).toBe("conflict");
  });

  it("are still recognised from this copy, and anything else is not a Stripe error", () => {
    const own = new Stripe.errors.StripeCardError({ type: "card_error", code: "card_declined", message: "Declined" });
    expect(isStripeError(own, "StripeCardError")).toBe(true);
    expect(isStripeError(new Error("boom"))).toBe(false);
    expect(isStripeError(Object.assign(new Error("x"), { type: "StripeCardError" }))).toBe(false);
    expect(isStripeError({ type: "StripeCardError", rawType: "card_error" })).toBe(false);
    expect(() => toAppError(new Error("boom"))).toThrow("boom");
  });
});
