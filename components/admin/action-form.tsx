"use client";

import { useActionState, useEffect, useId, useRef, startTransition } from "react";
import type { FormAction } from "@/components/ui/action-state";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";

type Props = {
  action: FormAction;
  submitLabel: string;
  children?: React.ReactNode;
  /** Ask before doing it: the dialog repeats what will happen and the button says it again. */
  confirm?: { title: string; body: React.ReactNode; confirmLabel: string };
  danger?: boolean;
  /** Every admin write needs a reason for the audit log (on by default). */
  reason?: boolean;
  reasonLabel?: string;
  className?: string;
};

/**
 * A small form for one admin action: its fields (server-rendered children), a required reason,
 * an optional confirmation dialog, and the action's answer (success, or what to fix).
 * Submitting does not clear what was typed when the server refuses it.
 */
export function ActionForm({
  action,
  submitLabel,
  children,
  confirm,
  danger,
  reason = true,
  reasonLabel = "Reason (for the audit log)",
  className = "",
}: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const id = useId();
  const reasonId = `${id}-reason`;
  const reasonError = state && !state.ok ? state.fieldErrors?.reason : undefined;
  const otherErrors = state && !state.ok ? Object.entries(state.fieldErrors ?? {}).filter(([k]) => k !== "reason") : [];

  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    dialogRef.current?.close();
    startTransition(() => formAction(data));
  }

  function openConfirm() {
    if (formRef.current?.reportValidity()) dialogRef.current?.showModal();
  }

  const primary = danger ? buttonClass({ variant: "danger" }) : buttonClass();
  return (
    <form ref={formRef} onSubmit={onSubmit} className={`space-y-3 ${className}`} noValidate={false}>
      {children}
      {reason ? (
        <div className="space-y-1">
          <label htmlFor={reasonId} className="block text-sm font-medium">
            {reasonLabel}
          </label>
          <input
            id={reasonId}
            name="reason"
            required
            minLength={3}
            maxLength={500}
            aria-invalid={Boolean(reasonError)}
            aria-describedby={reasonError ? `${reasonId}-error` : undefined}
            className={inputClass}
          />
          {reasonError ? (
            <p id={`${reasonId}-error`} className="text-sm text-red-700 dark:text-red-400">
              {reasonError}
            </p>
          ) : null}
        </div>
      ) : null}

      {state && !state.ok ? (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-900"
        >
          <p>{state.error}</p>
          {otherErrors.length ? (
            <ul className="mt-1 list-disc pl-5">
              {otherErrors.map(([field, message]) => (
                <li key={field}>{message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {state?.ok && state.message ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900"
        >
          {state.message}
        </p>
      ) : null}

      {confirm ? (
        <>
          <button type="button" onClick={openConfirm} disabled={pending} className={primary}>
            {pending ? "Working…" : `${submitLabel}…`}
          </button>
          <dialog
            ref={dialogRef}
            aria-labelledby={`${id}-title`}
            className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-zinc-900 shadow-xl ring-1 ring-zinc-200 backdrop:bg-black/50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700"
          >
            <h2 id={`${id}-title`} className="text-lg font-semibold">
              {confirm.title}
            </h2>
            <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">{confirm.body}</div>
            <div className="mt-5 flex flex-wrap justify-end gap-2">
              <button
                type="button"
                onClick={() => dialogRef.current?.close()}
                className={buttonClass({ variant: "secondary" })}
              >
                Cancel
              </button>
              <button type="submit" className={primary}>
                {confirm.confirmLabel}
              </button>
            </div>
          </dialog>
        </>
      ) : (
        <button type="submit" disabled={pending} className={primary}>
          {pending ? "Working…" : submitLabel}
        </button>
      )}
    </form>
  );
}
