"use client";

import { useActionState, useId, useRef, startTransition } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

type Rolled = { secret: string; previousSecretExpiresAt: string | null };

/**
 * Roll an endpoint's signing secret: how long the old one keeps signing (the grace period), a
 * reason, a confirmation; then the new secret, shown once. The idempotency key (made by the
 * page) makes a double submission answer the same secret instead of rolling twice.
 */
export function RollSecretForm({
  action,
  graceChoices,
  defaultGraceSeconds,
  idempotencyKey,
}: {
  action: (prev: ActionState<Rolled>, fd: FormData) => Promise<ActionState<Rolled>>;
  graceChoices: readonly { seconds: number; label: string }[];
  defaultGraceSeconds: number;
  idempotencyKey: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();

  if (state?.ok && state.data) {
    return (
      <div className="space-y-3">
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900"
        >
          {state.message}
        </p>
        <label htmlFor={`${id}-secret`} className="block text-sm font-medium">
          New signing secret (shown once)
        </label>
        <input
          id={`${id}-secret`}
          data-testid="rolled-secret"
          readOnly
          value={state.data.secret}
          onFocus={(e) => e.currentTarget.select()}
          className={`${inputClass} font-mono`}
        />
      </div>
    );
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    dialogRef.current?.close();
    startTransition(() => formAction(data));
  }
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3">
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <div className="space-y-1">
        <label htmlFor={`${id}-grace`} className="block text-sm font-medium">
          The old secret keeps signing for
        </label>
        <select
          id={`${id}-grace`}
          name="graceSeconds"
          defaultValue={String(defaultGraceSeconds)}
          className={inputClass}
        >
          {graceChoices.map((c) => (
            <option key={c.seconds} value={c.seconds}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-reason`} className="block text-sm font-medium">
          Reason (for the audit log)
        </label>
        <input id={`${id}-reason`} name="reason" required minLength={3} maxLength={500} className={inputClass} />
      </div>
      {state && !state.ok ? (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-900"
        >
          <p>{state.error}</p>
          {Object.values(errors).length ? (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(errors).map(([k, v]) => (
                <li key={k}>{v}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <button
        type="button"
        disabled={pending}
        onClick={() => formRef.current?.reportValidity() && dialogRef.current?.showModal()}
        className={buttonClass()}
      >
        {pending ? "Working…" : "Roll secret…"}
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby={`${id}-title`}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-zinc-900 shadow-xl ring-1 ring-zinc-200 backdrop:bg-black/50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700"
      >
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Roll the signing secret?
        </h2>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">
          A new secret is made and shown once. Until the grace period ends every delivery is signed with both secrets;
          after it, the platform must verify with the new one.
        </p>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <button
            type="button"
            onClick={() => dialogRef.current?.close()}
            className={buttonClass({ variant: "secondary" })}
          >
            Cancel
          </button>
          <button type="submit" className={buttonClass()}>
            Roll secret
          </button>
        </div>
      </dialog>
    </form>
  );
}
