/**
 * What every server action answers: serialisable, with a message a person can act on. Plain
 * types (no server code), so client components import them too.
 */
export type ActionResult<T = undefined> =
  { ok: true; data: T; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/** An action's last answer as a form holds it: null before the first run. */
export type ActionState<T = undefined> = ActionResult<T> | null;
