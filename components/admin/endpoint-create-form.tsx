"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { buttonClass, inputClass } from "./form-fields";

type Created = { id: string; secret: string };

/**
 * Register an endpoint: URL, description, events (none ticked: every event), a reason. On
 * success the signing secret is shown once, with a link to the endpoint's page.
 */
export function EndpointCreateForm({
  action,
  eventTypes,
}: {
  action: (prev: ActionState<Created>, fd: FormData) => Promise<ActionState<Created>>;
  eventTypes: readonly string[];
}) {
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok && state.data) {
    return (
      <div className="space-y-3">
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900"
        >
          {state.message}
        </p>
        <label htmlFor="revealed-secret" className="block text-sm font-medium">
          Signing secret (shown once)
        </label>
        <input
          id="revealed-secret"
          data-testid="revealed-secret"
          readOnly
          value={state.data.secret}
          onFocus={(e) => e.currentTarget.select()}
          className={`${inputClass} font-mono`}
        />
        <Link
          href={`/admin/webhook-endpoints/${state.data.id}`}
          className="inline-block text-sm font-medium text-indigo-700 underline dark:text-indigo-400"
        >
          Open the endpoint
        </Link>
      </div>
    );
  }
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="space-y-3">
      {state && !state.ok ? (
        <div
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-900"
        >
          {state.error}
          {Object.values(errors).length ? (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(errors).map(([k, v]) => (
                <li key={k}>{v}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="space-y-1">
        <label htmlFor="endpoint-url" className="block text-sm font-medium">
          URL
        </label>
        <input
          id="endpoint-url"
          name="url"
          type="url"
          required
          placeholder="https://platform.example.com/hooks/agentbill"
          className={inputClass}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="endpoint-description" className="block text-sm font-medium">
          Description (optional)
        </label>
        <input id="endpoint-description" name="description" maxLength={200} className={inputClass} />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Events (none ticked: every event)</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {eventTypes.map((t) => (
            <label key={t} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={t} />
              <code className="font-mono text-xs">{t}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="space-y-1">
        <label htmlFor="endpoint-reason" className="block text-sm font-medium">
          Reason (for the audit log)
        </label>
        <input id="endpoint-reason" name="reason" required minLength={3} maxLength={500} className={inputClass} />
      </div>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Working…" : "Add endpoint"}
      </button>
    </form>
  );
}
