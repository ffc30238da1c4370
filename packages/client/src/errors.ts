import type { ErrorCode } from "./types";

/** Anything the client throws. */
export class AgentBillError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AgentBillError";
  }
}

/** The API answered with an error: `{ error: { code, message, … } }`. */
export class AgentBillApiError extends AgentBillError {
  readonly status: number;
  readonly code: ErrorCode;
  /** Everything else the error carried (e.g. `issues`, `idempotency_keys`). */
  readonly details: Record<string, unknown>;
  constructor(status: number, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "AgentBillApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 400: the request was invalid; `issues` says what to fix. Nothing was written. */
export class ValidationError extends AgentBillApiError {
  override name = "ValidationError";
  get issues(): unknown[] {
    return (this.details.issues as unknown[] | undefined) ?? [];
  }
}
/** 401: missing, unknown or revoked API key. */
export class AuthenticationError extends AgentBillApiError {
  override name = "AuthenticationError";
}
/** 403: e.g. the organization is suspended (the message says why). */
export class PermissionError extends AgentBillApiError {
  override name = "PermissionError";
}
/** 404 */
export class NotFoundError extends AgentBillApiError {
  override name = "NotFoundError";
}
/** 409 idempotency_conflict: a key was reused with other content. Not retried. */
export class IdempotencyConflictError extends AgentBillApiError {
  override name = "IdempotencyConflictError";
  get keys(): string[] {
    return (this.details.idempotency_keys as string[] | undefined) ?? [];
  }
}
/** 409 conflict: the state does not allow it (e.g. committing a released reservation). */
export class ConflictError extends AgentBillApiError {
  override name = "ConflictError";
}
/** 429 or 5xx after the last retry. */
export class ServerError extends AgentBillApiError {
  override name = "ServerError";
}
/** No answer (connection refused or reset, timeout) after the last retry. */
export class NetworkError extends AgentBillError {
  override name = "NetworkError";
}

export function apiError(status: number, body: unknown): AgentBillApiError {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const {
    code = "internal",
    message = `HTTP ${status}`,
    ...details
  } = (e ?? {}) as Record<string, unknown> & {
    code?: string;
    message?: string;
  };
  const args = [status, code, message, details] as const;
  if (status === 400) return new ValidationError(...args);
  if (status === 401) return new AuthenticationError(...args);
  if (status === 403) return new PermissionError(...args);
  if (status === 404) return new NotFoundError(...args);
  if (status === 409 && code === "idempotency_conflict") return new IdempotencyConflictError(...args);
  if (status === 409) return new ConflictError(...args);
  if (status === 429 || status >= 500) return new ServerError(...args);
  return new AgentBillApiError(...args);
}
