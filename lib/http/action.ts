import "server-only";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { zodIssues } from "./errors";

/** What every server action returns: serialisable, with a message a person can act on. */
export type ActionResult<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/**
 * Run a server action body, turning AppError and ZodError into `{ ok: false }` results.
 * Redirects and Next's auth interrupts (thrown by guards) pass through untouched.
 */
export async function runAction<T>(body: () => Promise<T>, message?: string): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await body(), message };
  } catch (err) {
    if (err instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const i of zodIssues(err)) fieldErrors[i.path || "_"] ??= i.message;
      return { ok: false, error: "Some fields need attention.", fieldErrors };
    }
    if (err instanceof AppError) {
      const fieldErrors = err.details?.fieldErrors as Record<string, string> | undefined;
      return { ok: false, error: err.message, ...(fieldErrors ? { fieldErrors } : {}) };
    }
    throw err;
  }
}
