import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The one parser of identifiers that arrive from outside (URL segments, query strings, bodies).
 * Anything that is not the expected shape is refused before it reaches the database, where a
 * malformed uuid or a NUL byte would otherwise be an error (a 500) instead of a "not found".
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organization slugs: lower-case letters, digits and dashes, starting with a letter or digit. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isUuid(value: unknown): boolean {
  return typeof value === "string" && UUID.test(value);
}

export function isSlug(value: unknown): boolean {
  return typeof value === "string" && SLUG.test(value);
}

/**
 * An id from a path or a query: a value of the wrong shape is "no such thing" (404), the same
 * answer as a well-formed id nobody has, and it never reaches the database.
 */
export function parseIdOrNotFound(value: unknown, what: string): string {
  if (typeof value !== "string" || !isUuid(value)) throw new AppError("not_found", `No ${what} with that id.`);
  return value.toLowerCase();
}

/**
 * Route params. Every dynamic path segment is parsed by one of these (lib/http/route.ts and the
 * platform API's declarations): a value of the wrong shape is 404 with the message below, never
 * a query. As regexes they also say their shape in the OpenAPI document.
 */

/** A uuid naming `what` (refused as 404 "No <what> with that id."). */
export function uuidParam(what: string) {
  return z.string().regex(UUID, `No ${what} with that id.`);
}

/** An organization slug (refused as 404). */
export function slugParam() {
  return z.string().regex(SLUG, "No such organization, or you are not a member of it.");
}

/** A feature flag's key as flags are created (lib/flags flagKeySchema, already lower-cased). */
const FLAG_KEY = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export function flagKeyParam() {
  return z
    .string()
    .regex(FLAG_KEY, "No flag with that key: keys are 2–63 lower-case letters, digits, dots, dashes or underscores.");
}

/** A Stripe event id as Stripe (and our emulator) writes them: `evt_` and letters, digits, underscores. */
const STRIPE_EVENT_ID = /^evt_[A-Za-z0-9_]{1,251}$/;
export function stripeEventIdParam() {
  return z.string().regex(STRIPE_EVENT_ID, "No Stripe event with that id: event ids look like evt_1Pgc76B7WZ01zgkW.");
}
