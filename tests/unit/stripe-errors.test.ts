import { describe, expect, it } from "vitest";
import { Stripe } from "@/lib/stripe/client";
import { AppError } from "@/lib/errors";
import { isStripeError, toAppError } from "@/lib/stripe/errors";

/**
 * The production server can load the Stripe SDK twice (the custom server's CommonJS copy and
 * Next's ES module copy): a decline from one copy must still be told apart by the other, or it
 * becomes a server error page instead of "Your card was declined…".
 */
describe("Stripe errors from another copy of the SDK", () => {
  const raw: ConstructorParameters<typeof Stripe.errors.StripeCardError>[0] = {
    type: "card_error",
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
  };
  /** An error as another copy's classes make it: same fields, no shared prototype. */
  const foreign = () =>
    Object.assign(new Error("Your card was declined."), { ...new Stripe.errors.StripeCardError(raw) });

  it("are recognised by type, and a decline is a sentence", () => {
    const err = foreign();
    expect(err instanceof Stripe.errors.StripeError).toBe(false);
    expect(isStripeError(err, "StripeCardError")).toBe(true);
    expect(isStripeError(err, "StripeInvalidRequestError")).toBe(false);
    const app = toAppError(err);
    expect(app).toBeInstanceOf(AppError);
    expect(app).toMatchObject({
      code: "payment_failed",
      message: "Your card was declined. Use another card or contact your bank.",
    });
  });

  it("other errors are not Stripe's", () => {
    expect(isStripeError(new Error("x"))).toBe(false);
    expect(isStripeError({ type: "StripeCardError" })).toBe(false);
    expect(isStripeError(null)).toBe(false);
    expect(() => toAppError(new TypeError("boom"))).toThrow("boom");
  });
});
