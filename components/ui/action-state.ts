/**
 * The result of a server action as a client component sees it (the same shape as lib/http's
 * ActionResult, restated here because components/ doesn't import server modules), or null
 * before the first run.
 */
export type ActionState<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string> } | null;

/** The message for one field, if the last run refused it. */
export function fieldError(state: ActionState<unknown>, name: string): string | null {
  return state && !state.ok ? (state.fieldErrors?.[name] ?? null) : null;
}
