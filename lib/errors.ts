/**
 * Errors that carry an HTTP meaning. Services throw them; route wrappers and server actions
 * turn them into responses and messages a person can act on.
 */
export type AppErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
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
  conflict: 409,
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
