import type { ActionResult, ActionState } from "@/lib/http/action-result";

/** A server action's answer as forms see it (lib/http's types: one shape for server and client). */
export type { ActionResult, ActionState };

/** A form action as `useActionState` calls it, after the page bound its target. */
export type FormAction<T = unknown> = (prev: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;

/** The message for one field, if the last run refused it. */
export function fieldError(state: ActionState<unknown>, name: string): string | null {
  return state && !state.ok ? (state.fieldErrors?.[name] ?? null) : null;
}
