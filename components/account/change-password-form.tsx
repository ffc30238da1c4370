"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";

type State = { ok: true; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string> } | null;

/** Current password, new password twice; the server checks all three and says what to fix (success redirects). */
export function ChangePasswordForm({
  action,
  minLength,
}: {
  action: (prev: unknown, fd: FormData) => Promise<State>;
  /** MIN_PASSWORD_LENGTH from lib/auth, passed by the page. */
  minLength: number;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={formAction} className="max-w-md space-y-4">
      {state && !state.ok ? (
        <Notice tone="error" role="alert">
          {state.error}
        </Notice>
      ) : null}
      <Field id="currentPassword" label="Current password" error={errors.currentPassword}>
        <input
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
          {...fieldAria("currentPassword", { error: errors.currentPassword })}
        />
      </Field>
      <Field
        id="newPassword"
        label="New password"
        hint={`At least ${minLength} characters.`}
        error={errors.newPassword}
      >
        <input
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          className={inputClass}
          {...fieldAria("newPassword", { error: errors.newPassword, hint: true })}
        />
      </Field>
      <Field id="confirmPassword" label="New password again" error={errors.confirmPassword}>
        <input
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          className={inputClass}
          {...fieldAria("confirmPassword", { error: errors.confirmPassword })}
        />
      </Field>
      <Button type="submit" pending={pending} pendingLabel="Changing…">
        Change password
      </Button>
    </form>
  );
}
