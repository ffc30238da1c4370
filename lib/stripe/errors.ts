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

type StripeErrorClass =
  | "StripeError"
  | "StripeCardError"
  | "StripeConnectionError"
  | "StripeAPIError"
  | "StripeRateLimitError"
  | "StripeIdempotencyError"
  | "StripeInvalidRequestError"
  | "StripeAuthenticationError"
  | "StripePermissionError";

/**
 * Whether `err` is one of Stripe's errors (of class `name`, or any). By the class's name as well
 * as by `instanceof`: one process can hold two copies of the SDK (the custom server's CommonJS
 * bundle, which creates the shared client, and Next's ESM import in pages and actions), and the
 * other copy's errors are not instances of this copy's classes. Stripe's errors carry their class
 * name as `type`.
 */
export function isStripeError<N extends StripeErrorClass = "StripeError">(
  err: unknown,
  name?: N,
): err is InstanceType<(typeof Stripe.errors)[N]> {
  const cls = name ?? "StripeError";
  const ctor = Stripe.errors[cls] as unknown as abstract new (...args: never[]) => unknown;
  if (err instanceof ctor) return true;
  if (!(err instanceof Error) || typeof (err as { rawType?: unknown }).rawType !== "string") return false;
  const type = (err as { type?: unknown }).type;
  return typeof type === "string" && (cls === "StripeError" ? type.startsWith("Stripe") : type === cls);
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
  if (isStripeError(err, "StripeConnectionError") || isStripeError(err, "StripeAPIError")) {
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
  if (isStripeError(err, "StripeAuthenticationError") || isStripeError(err, "StripePermissionError")) {
    log(err);
    return new AppError("internal", "Billing is misconfigured on our side. We've been notified; try again later.");
  }
  if (isStripeError(err, "StripeError")) {
    log(err);
    return new AppError("internal", "The payment provider returned an unexpected error. Try again later.");
  }
  throw err;
}

function log(err: InstanceType<typeof Stripe.errors.StripeError>) {
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
