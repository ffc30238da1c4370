/** Errors in Stripe's envelope: `{ error: { type, code, decline_code, message, param, doc_url, ... } }`. */

export type StripeErrorType =
  "api_error" | "card_error" | "idempotency_error" | "invalid_request_error" | "authentication_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  /** Extra objects Stripe attaches, e.g. `setup_intent`, `payment_intent`, `payment_method`, `charge`. */
  [extra: string]: unknown;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /**
   * When true the state changes made before the error are kept (Stripe records a failed
   * payment attempt and then answers 402). When false the request is rolled back.
   */
  readonly commit: boolean;
  /** Validation errors are not stored for idempotent replay (as on Stripe). */
  readonly replayable: boolean;

  constructor(status: number, body: StripeErrorBody, opts: { commit?: boolean; replayable?: boolean } = {}) {
    super(body.message);
    this.name = "StripeApiError";
    this.status = status;
    this.body = body;
    this.commit = opts.commit ?? false;
    this.replayable = opts.replayable ?? true;
  }
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(
    400,
    {
      type: "invalid_request_error",
      message,
      ...(code ? { code, doc_url: docUrl(code) } : {}),
      ...(param ? { param } : {}),
    },
    { replayable: false },
  );
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return invalidRequest(message, param, code);
}

/** 404 for a resource named in the URL path; 400 for one named in a body parameter (as Stripe does). */
export function noSuch(kind: string, id: string, param?: string): StripeApiError {
  const status = param ? 400 : 404;
  return new StripeApiError(status, {
    type: "invalid_request_error",
    code: "resource_missing",
    doc_url: docUrl("resource_missing"),
    message: `No such ${kind}: '${id}'`,
    param: param ?? "id",
  });
}

export function unknownRoute(method: string, path: string): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function authError(message: string): StripeApiError {
  return new StripeApiError(401, { type: "authentication_error", message }, { replayable: false });
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(
    400,
    {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    },
    { replayable: false },
  );
}

export function stateError(message: string, param?: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    message,
    ...(param ? { param } : {}),
  });
}

export interface CardDecline {
  code: string;
  decline_code?: string;
  message: string;
}

/** A 402 card error. `extra` carries the related objects (`setup_intent`, `payment_intent`, ...). */
export function cardError(decline: CardDecline, extra: Record<string, unknown> = {}, commit = true): StripeApiError {
  return new StripeApiError(
    402,
    {
      type: "card_error",
      code: decline.code,
      ...(decline.decline_code ? { decline_code: decline.decline_code } : {}),
      message: decline.message,
      doc_url: docUrl(decline.code),
      ...extra,
    },
    { commit },
  );
}

export function internalError(): StripeApiError {
  return new StripeApiError(500, {
    type: "api_error",
    message: "An unexpected error occurred in the Stripe emulator. See its log for details.",
  });
}

export { docUrl };
