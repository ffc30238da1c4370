/**
 * The one parser of identifiers that arrive from outside (URL segments, query strings, bodies).
 * Anything that is not the expected shape is refused before it reaches the database, where a
 * malformed uuid or a NUL byte would otherwise be an error (a 500) instead of a "not found".
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organization slugs: lower-case letters, digits and dashes, starting with a letter or digit. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

export function isSlug(value: unknown): value is string {
  return typeof value === "string" && SLUG.test(value);
}
