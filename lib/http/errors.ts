import { ZodError, ZodObject, type z } from "zod";
import { AppError } from "@/lib/errors";
import { sanitizeInput, strictDeep } from "@/lib/input";
import { json } from "./json";

export type FieldIssue = { path: string; message: string };

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.flatMap((i) =>
    // An unknown field is named by its own path (`limits.maxAgnets`), one issue per key.
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({
          path: [...i.path, key].map(String).join("."),
          message: "is not a field here (check its spelling).",
        }))
      : [{ path: i.path.map(String).join("."), message: i.message }],
  );
}

/** Turn a zod failure into a 400 AppError whose message lists what to fix. */
export function invalidInput(error: ZodError, what = "request"): AppError {
  return invalidIssues(zodIssues(error), what);
}

/** A 400 naming each field and what is wrong with it (at most five in the sentence, all in `issues`). */
export function invalidIssues(issues: FieldIssue[], what = "request"): AppError {
  const summary = issues
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join("; ");
  return new AppError(
    "bad_request",
    `Invalid ${what}: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""}`,
    { issues },
  );
}

/**
 * Input parsing, one way for every entry point: the string sanitiser first (lib/input/text.ts:
 * NFC, no control characters, no lone surrogates, no endless strings), then the schema. A
 * failure is a 400 naming each field.
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const clean = sanitizeInput(value);
  if (clean.issues.length > 0) throw invalidIssues(clean.issues, what);
  const parsed = schema.safeParse(clean.value);
  if (!parsed.success) throw invalidInput(parsed.error, what);
  return parsed.data;
}

/**
 * A JSON body, strictly: an object schema wants a JSON object, and refuses fields it doesn't
 * know, in nested objects too (lib/input/strict.ts; a typo in a field name must not pass for
 * "not given"); numbers are JSON numbers because
 * the schemas coerce nothing (only the form layer does, lib/input/form.ts). Used by the route
 * wrappers (readJson) and the platform API (lib/api/app.ts).
 */
export function parseJsonBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (!(schema instanceof ZodObject)) return parseWith(strictDeep(schema), body, "request body");
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new AppError("bad_request", "Request body must be a JSON object.");
  return parseWith(strictDeep(schema), body, "request body");
}

/**
 * Path parameters: clean strings (the sanitiser), then the route's params schema. A segment of
 * the wrong shape names nothing we have: 404 with the schema's message, before any query.
 */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const clean = sanitizeInput(value ?? {});
  if (clean.issues.length > 0) throw new AppError("not_found", "Nothing is at this address: check the link.");
  const parsed = schema.safeParse(clean.value);
  if (!parsed.success) throw new AppError("not_found", parsed.error.issues[0]?.message ?? "Not found.");
  return parsed.data;
}

/** A JSON error response for any thrown value; unexpected errors are logged and answered as 500. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ZodError) err = invalidInput(err);
  if (err instanceof AppError) {
    return json({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, { status: err.status });
  }
  console.error("Unhandled error in route:", err instanceof Error ? err.stack : err);
  return json(
    {
      error: {
        code: "internal",
        message: "Something went wrong on our side. Try again; if it keeps happening, contact support.",
      },
    },
    { status: 500 },
  );
}
