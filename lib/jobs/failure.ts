import { isAppError } from "@/lib/errors";

/**
 * A failure of background work (a webhook event, a scheduled job) as people read it in the
 * admin: one sentence that says what went wrong and what happens next, and the technical detail
 * (the error chain: the SQL statement drizzle failed on, PostgreSQL's code, Stripe's request id)
 * kept beside it, folded away. Never the 1.4 KB SQL statement as the message.
 */
export type DescribedFailure = { message: string; detail: string };

type ErrorLike = Error & {
  code?: unknown;
  severity?: unknown;
  errno?: unknown;
  type?: unknown;
  statusCode?: unknown;
  requestId?: unknown;
  cause?: unknown;
  detail?: unknown;
  table_name?: unknown;
  constraint_name?: unknown;
};

const DETAIL_MAX = 4_000;

/** The error and its causes, outermost first. */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (e instanceof Error && out.length < 6) {
    out.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return out;
}

function firstLine(text: string, max = 200): string {
  const line = text.split("\n")[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const PG_SENTENCES: Record<string, string> = {
  "40P01": "Two changes to the same rows collided (a deadlock) and the database stopped this one.",
  "40001": "Two changes to the same rows collided and the database stopped this one.",
  "57P01": "The database connection was closed by the server (a restart or an operator).",
  "57014": "The database cancelled the statement (it took too long).",
  "53300": "The database has no free connections.",
  "23505": "A row it tried to write already exists (a unique constraint).",
  "23503": "A row it refers to does not exist (a foreign key).",
  "23502": "A required value was missing when writing to the database.",
  "22P02": "A value had the wrong format for the database.",
};

const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
]);

function sentenceOf(e: ErrorLike): string | null {
  if (isAppError(e)) return e.message;
  const code = typeof e.code === "string" ? e.code : null;
  // PostgreSQL's own error (postgres.js's PostgresError; PGlite's DatabaseError): a SQLSTATE and a severity.
  if (code && /^[0-9A-Z]{5}$/.test(code) && (e.name === "PostgresError" || typeof e.severity === "string")) {
    return PG_SENTENCES[code] ?? `The database refused a statement: ${firstLine(e.message)}.`;
  }
  if (code && CONNECTION_CODES.has(code)) return "The database connection was lost while this ran.";
  if (code === "CONNECT_TIMEOUT") return "The database did not answer in time.";
  const type = typeof e.type === "string" ? e.type : null;
  if (type && type.startsWith("Stripe")) {
    if (type === "StripeConnectionError") return "Stripe could not be reached.";
    if (type === "StripeRateLimitError") return "Stripe asked us to slow down (rate limit).";
    if (type === "StripeAuthenticationError" || type === "StripePermissionError")
      return "Stripe refused our API key: check STRIPE_SECRET_KEY.";
    if (type === "StripeAPIError") return "Stripe had an internal error.";
    if (code === "resource_missing") return `Stripe does not know an object it refers to: ${firstLine(e.message)}.`;
    return `Stripe refused a request: ${firstLine(e.message)}.`;
  }
  return null;
}

export function describeFailure(err: unknown): DescribedFailure {
  const errors = chain(err);
  if (errors.length === 0) {
    const text = String(err);
    return { message: firstLine(text) || "Failed without an error message.", detail: text.slice(0, DETAIL_MAX) };
  }
  // The most specific sentence we know, from the innermost cause outwards (drizzle wraps the
  // driver's error in "Failed query: <the whole statement>").
  let message: string | null = null;
  for (const e of [...errors].reverse()) {
    message = sentenceOf(e);
    if (message) break;
  }
  if (!message) {
    const plain = errors.find((e) => !e.message.startsWith("Failed query:")) ?? errors[0]!;
    message = firstLine(plain.message) || plain.name;
  }
  if (!/[.!?…]$/.test(message)) message += ".";
  const detail = errors
    .map((e) => {
      const extras = [
        typeof e.code === "string" ? `code=${e.code}` : null,
        typeof e.requestId === "string" ? `request=${e.requestId}` : null,
        typeof e.statusCode === "number" ? `status=${e.statusCode}` : null,
        typeof e.constraint_name === "string" ? `constraint=${e.constraint_name}` : null,
        typeof e.detail === "string" ? `detail=${e.detail}` : null,
      ].filter(Boolean);
      return `${e.name}: ${e.message}${extras.length ? ` (${extras.join(", ")})` : ""}`;
    })
    .join("\ncaused by ");
  const stack = errors[errors.length - 1]!.stack?.split("\n").slice(1, 6).join("\n") ?? "";
  return { message, detail: `${detail}${stack ? `\n${stack}` : ""}`.slice(0, DETAIL_MAX) };
}
