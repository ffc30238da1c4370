/**
 * Errors that carry an HTTP meaning. Services throw them; route wrappers and server actions
 * turn them into responses and messages a person can act on.
 */
export type AppErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "idempotency_conflict"
  | "limit_exceeded"
  | "payment_failed"
  | "unprocessable"
  | "rate_limited"
  | "unsupported_media_type"
  | "upstream_unavailable"
  | "suspended"
  | "internal";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  suspended: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_conflict: 409,
  limit_exceeded: 403,
  payment_failed: 402,
  unprocessable: 422,
  rate_limited: 429,
  unsupported_media_type: 415,
  upstream_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * What a suspended organization's people read, wherever they meet the suspension (the banner on
 * its pages, a refused API key creation): the reason and what to do, in one sentence.
 */
export function suspensionMessage(org: { name: string; suspendedReason: string | null }, supportEmail: string): string {
  const reason = org.suspendedReason?.trim();
  return `${org.name} is suspended${reason ? `: ${reason.replace(/[.\s]+$/, "")}` : ""}. Its API keys are refused and new keys can't be created until it is reactivated; nothing is deleted. Write to ${supportEmail} to resolve it.`;
}
