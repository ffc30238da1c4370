import type { z } from "zod";
import { sanitizeInput } from "./text";

/**
 * For pages that read their query (server components): the string sanitiser, then the schema;
 * a failure of either is `success: false` with its messages (the page shows them and falls back to its defaults). Route handlers
 * and actions use lib/http's parseWith, which answers the failure as a 400 naming each field.
 */
export function safeParseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { success: true; data: z.output<S> } | { success: false; messages: string[] } {
  const clean = sanitizeInput(value);
  if (clean.issues.length > 0)
    return { success: false, messages: clean.issues.map((i) => `${i.path || "The query"} ${i.message}`) };
  const parsed = schema.safeParse(clean.value);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, messages: parsed.error.issues.map((i) => i.message) };
}
