"use client";

import { useActionState, useState } from "react";
import type { FormAction } from "@/components/ui/action-state";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";

type Created = { key: string; name: string; prefix: string };

/** Name a key and create it; the whole key is shown here once, with a copy button. */
export function ApiKeyCreateForm({ action }: { action: FormAction<Created> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [copied, setCopied] = useState<string | null>(null);
  const nameError = state && !state.ok ? (state.fieldErrors?.name ?? null) : null;
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1 space-y-1">
          <label htmlFor="api-key-name" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="api-key-name"
            name="name"
            required
            maxLength={80}
            placeholder="e.g. Production platform"
            aria-invalid={Boolean(nameError)}
            aria-describedby={nameError ? "api-key-name-error" : undefined}
            className={inputClass}
          />
        </div>
        <button type="submit" disabled={pending} className={buttonClass()}>
          {pending ? "Creating…" : "Create key"}
        </button>
        {nameError ? (
          <p id="api-key-name-error" className="w-full text-sm text-red-700 dark:text-red-400">
            {nameError}
          </p>
        ) : null}
      </form>
      {state && !state.ok && !nameError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <div
          role="status"
          className="space-y-2 rounded-lg bg-emerald-50 p-4 text-sm ring-1 ring-emerald-200 dark:bg-emerald-950/40 dark:ring-emerald-900"
        >
          <p className="font-medium wrap-anywhere text-emerald-900 dark:text-emerald-200">
            “{state.data.name}” created. Copy the key now: it will not be shown again.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              data-testid="new-api-key"
              className="break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-emerald-200 dark:bg-zinc-900 dark:ring-emerald-900"
            >
              {state.data.key}
            </code>
            <button
              type="button"
              className={buttonClass({ variant: "secondary", size: "sm" })}
              onClick={() => {
                void navigator.clipboard?.writeText(state.data.key).then(() => setCopied(state.data.key));
              }}
            >
              {copied === state.data.key ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
