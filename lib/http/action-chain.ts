import { ZodError, type z } from "zod";
import { AppError } from "@/lib/errors";
import { coerceForm, sanitizeInput } from "@/lib/input";
import type { ActionResult } from "./action-result";
import { zodIssues } from "./errors";

/**
 * The chain every server action runs (lib/http/action.ts gives it its guards):
 *
 *   guard (who calls, from the bound arguments) → input parsed with `schema` → `fn(input, ctx)`
 *   → pages revalidated → `{ ok: true, data, message }`
 *
 * A page binds the action's leading string arguments (`action.bind(null, slug)`); the rest is
 * what the caller passes: nothing, the input, or `(prevState, input)` as `useActionState` does.
 * A FormData input becomes a plain object of its strings; every input then passes the one string
 * sanitiser (lib/input/text.ts), and a form's text is turned into the numbers and booleans the
 * schema expects by the form layer (lib/input/form.ts) — the schemas themselves coerce nothing.
 * What a guard throws (Next's redirect to /login, the 403 page) passes through; a zod error
 * becomes `fieldErrors`, an AppError its message (and its `details.fieldErrors`); anything else is thrown.
 */

/** A path to revalidate on success: a page, or `{ layout }` for everything under a layout. */
export type Refresh = string | { layout: string };

type Trailing<I> = [] | [input: FormData | I] | [prev: unknown, input: FormData | I];

/** What the wrappers return: the page binds `A`; the caller passes the rest. */
export type ServerAction<A extends string[], I, T> = (...args: [...A, ...Trailing<I>]) => Promise<ActionResult<T>>;

export type ActionOptions<S extends z.ZodType, T> = {
  /** Parses the input (FormData arrives as an object of strings). Omit for actions without input. */
  schema?: S;
  /** The success message: fixed, or from the body's answer and the input. */
  message?: string | ((data: T, input: z.output<S>) => string);
  /** Pages that show what changed, from the bound arguments. */
  revalidate?: (...bound: string[]) => Refresh[];
  /** Where to go after success (the page of a thing just deleted is gone). */
  redirectTo?: (...bound: string[]) => string;
};

/** Who calls and with what: a guard resolves it from the bound arguments or stops the call. */
export type Guard<C> = (bound: string[]) => Promise<C>;

/** A FormData as a plain object of its string fields (several values of one name: an array). */
export function formInput(fd: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(fd.keys())) {
    if (key.startsWith("$ACTION")) continue; // Next's own fields on a submission without JavaScript
    const values = fd.getAll(key).filter((v): v is string => typeof v === "string");
    if (values.length > 0) out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/**
 * A FormData, whichever realm made it: the one React decodes from a hand-built request is not
 * always the global class, so `instanceof` is not enough.
 */
function isFormData(v: unknown): v is FormData {
  if (v instanceof FormData) return true;
  const f = v as Partial<FormData> | null;
  return (
    typeof f === "object" &&
    f !== null &&
    Object.prototype.toString.call(f) === "[object FormData]" &&
    typeof f.getAll === "function" &&
    typeof f.keys === "function"
  );
}

/** Split a call's arguments into what the page bound (leading strings) and the input. */
export function splitArguments(args: unknown[]): { bound: string[]; input: unknown; fromForm: boolean } {
  let n = 0;
  while (n < args.length && typeof args[n] === "string") n++;
  const rest = args.slice(n);
  const raw = rest.length >= 2 ? rest[rest.length - 1] : rest.length === 1 ? rest[0] : undefined;
  const fromForm = isFormData(raw);
  return { bound: args.slice(0, n) as string[], input: fromForm ? formInput(raw) : raw, fromForm };
}

export function zodFieldErrors(err: ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const i of zodIssues(err)) fieldErrors[i.path || "_"] ??= i.message;
  return fieldErrors;
}

/** What happens after success: Next's revalidation and redirect in the app, recorded in tests. */
export type ActionEffects = { revalidate: (r: Refresh) => void; redirect: (path: string) => never };

/** The chain itself, with any guard: orgAction and adminAction are this with theirs. */
export function defineAction<C, S extends z.ZodType, T, A extends string[]>(
  guard: Guard<C>,
  opts: ActionOptions<S, T>,
  fn: (input: z.output<S>, ctx: C, ...bound: A) => Promise<T>,
  effects: ActionEffects,
): ServerAction<A, z.input<S>, T> {
  return async (...args: unknown[]) => {
    const { bound, input: raw, fromForm } = splitArguments(args);
    const ctx = await guard(bound);
    // The body names what the page binds (an id, a key): a call without them is refused, not run.
    if (bound.length < fn.length - 2)
      return { ok: false, error: "This action is missing what it acts on. Reload the page and try again." };
    let data: T;
    let input: z.output<S>;
    try {
      if (opts.schema) {
        const clean = sanitizeInput(raw);
        if (clean.issues.length > 0) {
          const fieldErrors: Record<string, string> = {};
          for (const i of clean.issues) fieldErrors[i.path || "_"] ??= `This field ${i.message}`;
          return { ok: false, error: "Some fields need attention.", fieldErrors };
        }
        input = opts.schema.parse(fromForm ? coerceForm(opts.schema, clean.value) : clean.value);
      } else input = undefined as z.output<S>;
      data = await fn(input, ctx, ...(bound as A));
    } catch (err) {
      if (err instanceof ZodError)
        return { ok: false, error: "Some fields need attention.", fieldErrors: zodFieldErrors(err) };
      if (err instanceof AppError) {
        const fieldErrors = err.details?.fieldErrors as Record<string, string> | undefined;
        return { ok: false, error: err.message, ...(fieldErrors ? { fieldErrors } : {}) };
      }
      throw err;
    }
    for (const r of opts.revalidate?.(...bound) ?? []) effects.revalidate(r);
    if (opts.redirectTo) effects.redirect(opts.redirectTo(...bound));
    const message = typeof opts.message === "function" ? opts.message(data, input) : opts.message;
    return { ok: true, data, message };
  };
}
