"use client";

import { useActionState, useState } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

export type AccountField = {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  hint?: string;
  minLength?: number;
};

/**
 * The forms of signed-out pages (accept an invitation, sign up, forgotten password, new password).
 * Uncontrolled inputs, re-mounted after each answer with what was typed (never a password), so a
 * refused submission keeps the text and no hydration race can lose it. A success shows the
 * action's message instead of the form, unless the action moved on (redirect).
 */
export function AccountForm({
  action,
  fields,
  hidden = {},
  submitLabel,
  pendingLabel,
}: {
  action: (prev: ActionState<unknown>, fd: FormData) => Promise<ActionState<unknown>>;
  fields: AccountField[];
  hidden?: Record<string, string>;
  submitLabel: string;
  pendingLabel: string;
}) {
  // The server action itself, so the form also works before hydration and without JavaScript.
  const [state, formAction, pending] = useActionState(action, null);
  const [last, setLast] = useState<{ values: Record<string, string>; n: number }>({ values: {}, n: 0 });
  if (state?.ok)
    return (
      <Notice tone="success" role="status" testId="account-form-done">
        {state.message ?? "Done."}
      </Notice>
    );
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        const fd = new FormData(e.currentTarget);
        const values: Record<string, string> = {};
        for (const f of fields) if (f.type !== "password") values[f.name] = String(fd.get(f.name) ?? "");
        setLast((l) => ({ values, n: l.n + 1 }));
      }}
      noValidate
      className="space-y-4"
    >
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {state && !state.ok ? (
        <Notice tone="error" role="alert">
          {state.error}
        </Notice>
      ) : null}
      {fields.map((f) => (
        <Field key={f.name} id={f.name} label={f.label} hint={f.hint} error={errors[f.name]}>
          <input
            {...fieldAria(f.name, { error: errors[f.name], hint: f.hint })}
            key={`${f.name}-${last.n}`}
            name={f.name}
            type={f.type ?? "text"}
            autoComplete={f.autoComplete}
            minLength={f.minLength}
            required
            defaultValue={f.type === "password" ? undefined : last.values[f.name]}
            className={inputClass}
          />
        </Field>
      ))}
      <Button type="submit" pending={pending} pendingLabel={pendingLabel} className="w-full">
        {submitLabel}
      </Button>
    </form>
  );
}
