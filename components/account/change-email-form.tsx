"use client";

import { useActionState, useState } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

/**
 * New address and the password; the server checks both and emails the new address a link. What
 * was typed as the address is kept after a refusal (never the password).
 */
export function ChangeEmailForm({
  action,
}: {
  action: (prev: ActionState<unknown>, fd: FormData) => Promise<ActionState<unknown>>;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [typed, setTyped] = useState({ value: "", n: 0 });
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form
      action={formAction}
      onSubmit={(e) =>
        setTyped((t) => ({ value: String(new FormData(e.currentTarget).get("newEmail") ?? ""), n: t.n + 1 }))
      }
      noValidate
      className="max-w-md space-y-4"
    >
      {state && !state.ok ? (
        <Notice tone="error" role="alert">
          {state.error}
        </Notice>
      ) : null}
      {state?.ok ? (
        <Notice tone="success" role="status" testId="email-change-sent">
          {state.message}
        </Notice>
      ) : null}
      <Field id="newEmail" label="New email address" error={errors.newEmail}>
        <input
          key={`newEmail-${typed.n}`}
          name="newEmail"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={state?.ok ? "" : typed.value}
          className={inputClass}
          {...fieldAria("newEmail", { error: errors.newEmail })}
        />
      </Field>
      <Field id="emailChangePassword" label="Your password" error={errors.password}>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
          {...fieldAria("emailChangePassword", { error: errors.password })}
        />
      </Field>
      <Button type="submit" pending={pending} pendingLabel="Sending…">
        Send a confirmation link
      </Button>
    </form>
  );
}
