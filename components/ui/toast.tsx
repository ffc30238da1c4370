"use client";

import type { ActionState } from "./action-state";
import { useEffect, useRef, useSyncExternalStore } from "react";

/**
 * Toasts: a small store any client component can push to (`toast(...)`) and one <Toaster />
 * per page that shows them in a polite live region, so screen readers hear the outcome too.
 * Toasts leave by themselves (errors stay longer) or with their close button.
 */

export type ToastTone = "success" | "error" | "info";
export type ToastItem = { id: number; tone: ToastTone; title: string; description?: string };

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const EMPTY: ToastItem[] = [];

function emit() {
  for (const l of listeners) l();
}

export function dismissToast(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

export function toast(input: Omit<ToastItem, "id">): number {
  const id = nextId++;
  items = [...items.slice(-3), { ...input, id }];
  emit();
  setTimeout(() => dismissToast(id), input.tone === "error" ? 15_000 : 8_000);
  return id;
}

type Result = ActionState<unknown> | undefined;

/**
 * Toast the outcome of a server action once per new result (a form's useActionState state).
 * Field errors are left to the form, which shows each next to its field; `inlineErrors` leaves
 * every error to a form that shows it in place (so it isn't said twice).
 */
export function useResultToast(result: Result, success?: string, opts: { inlineErrors?: boolean } = {}) {
  const inlineErrors = opts.inlineErrors ?? false;
  const seen = useRef<Result>(null);
  useEffect(() => {
    if (!result || seen.current === result) return;
    seen.current = result;
    if (result.ok) toast({ tone: "success", title: result.message ?? success ?? "Saved." });
    else if (!result.fieldErrors && !inlineErrors) toast({ tone: "error", title: result.error });
  }, [result, success, inlineErrors]);
}

const TONE: Record<ToastTone, string> = {
  success: "ring-emerald-300 dark:ring-emerald-800",
  error: "ring-red-300 dark:ring-red-800",
  info: "ring-zinc-300 dark:ring-zinc-700",
};
const ICON: Record<ToastTone, string> = { success: "✓", error: "!", info: "i" };
const ICON_TONE: Record<ToastTone, string> = {
  success: "bg-emerald-600 text-white",
  error: "bg-red-600 text-white",
  info: "bg-zinc-600 text-white",
};

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
    () => EMPTY,
  );
  return (
    <div
      role="status"
      aria-live="polite"
      aria-label="Notifications"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
    >
      {list.map((t) => (
        <div
          key={t.id}
          data-testid="toast"
          data-tone={t.tone}
          className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg bg-white p-3 text-sm shadow-lg ring-1 dark:bg-zinc-900 ${TONE[t.tone]}`}
        >
          <span
            aria-hidden="true"
            className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${ICON_TONE[t.tone]}`}
          >
            {ICON[t.tone]}
          </span>
          <div className="min-w-0 flex-1">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">{t.title}</p>
            {t.description ? <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">{t.description}</p> : null}
          </div>
          <button
            type="button"
            onClick={() => dismissToast(t.id)}
            className="-m-1 rounded p-1 text-zinc-500 hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:text-zinc-200"
            aria-label="Dismiss notification"
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
