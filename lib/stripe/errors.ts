import "server-only";
import Stripe from "stripe";
import { AppError } from "@/lib/errors";

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds. Use another card or contact your bank.",
  generic_decline: "Your card was declined. Use another card or contact your bank.",
  lost_card: "Your card was declined. Use another card.",
  stolen_card: "Your card was declined. Use another card.",
  expired_card: "Your card has expired. Add a card with a later expiry date.",
  incorrect_cvc: "The card's security code is incorrect. Check it and try again.",
  processing_error: "The card couldn't be processed. Try again in a moment.",
};

type StripeErrorLike = InstanceType<typeof Stripe.errors.StripeError>;

/**
 * Is `err` a Stripe SDK error of this class (`StripeCardError`, …; any Stripe error without a
 * type)? Told by the SDK's own `type` field, not `instanceof`: the production server can load
 * the SDK twice (the custom server's CommonJS copy makes the client, Next's chunks may import the
 * ES module copy), and an error of one copy is no instance of the other's classes.
 */
export function isStripeError(err: unknown, ...types: string[]): err is StripeErrorLike {
  if (err instanceof Stripe.errors.StripeError) return types.length === 0 || types.includes(err.type);
  if (!(err instanceof Error)) return false;
  const type = (err as { type?: unknown }).type;
  if (typeof type !== "string" || !type.startsWith("Stripe") || !("rawType" in err)) return false;
  return types.length === 0 || types.includes(type);
}

/**
 * Stripe's errors as sentences a person can act on. Never a stack trace; the Stripe request id
 * goes to the logs for support.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isStripeError(err, "StripeCardError")) {
    const code = err.decline_code ?? err.code ?? "";
    if (code === "authentication_required") {
      return new AppError(
        "payment_failed",
        "Your bank needs you to authenticate this card. Complete the check, or use another card.",
        {
          reason: "authentication_required",
        },
      );
    }
    return new AppError("payment_failed", DECLINE_MESSAGES[code] ?? DECLINE_MESSAGES.generic_decline!, {
      reason: code || "card_declined",
    });
  }
  if (isStripeError(err, "StripeConnectionError", "StripeAPIError")) {
    log(err);
    return new AppError(
      "upstream_unavailable",
      "We couldn't reach our payment provider. Nothing was charged or changed; try again in a minute.",
    );
  }
  if (isStripeError(err, "StripeRateLimitError")) {
    return new AppError("rate_limited", "Our payment provider is busy. Try again in a few seconds.");
  }
  if (isStripeError(err, "StripeIdempotencyError")) {
    log(err);
    return new AppError("conflict", "This change is already being made. Refresh the page in a moment to see it.");
  }
  if (isStripeError(err, "StripeInvalidRequestError")) {
    log(err);
    if (err.code === "resource_missing")
      return new AppError("not_found", "The billing record was not found at our payment provider. Contact support.");
    return new AppError(
      "unprocessable",
      "The payment provider refused this change. Contact support if it keeps happening.",
    );
  }
  if (isStripeError(err, "StripeAuthenticationError", "StripePermissionError")) {
    log(err);
    return new AppError("internal", "Billing is misconfigured on our side. We've been notified; try again later.");
  }
  if (isStripeError(err)) {
    log(err);
    return new AppError("internal", "The payment provider returned an unexpected error. Try again later.");
  }
  throw err;
}

function log(err: StripeErrorLike) {
  console.error(
    `[stripe] ${err.type} ${err.code ?? ""} ${err.statusCode ?? ""} request=${err.requestId ?? "?"}: ${err.message}`,
  );
}

/** Run a Stripe call and translate its failure. */
export async function stripeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAppError(err);
  }
}
