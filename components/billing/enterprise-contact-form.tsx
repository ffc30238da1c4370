"use client";

import { useActionState, useEffect, useState } from "react";
import { fieldError, type ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useResultToast } from "@/components/ui/toast";

/** "Contact us" for Enterprise: contact email, expected seats and a message, recorded for our team. */
export function EnterpriseContactForm({
  action,
  defaultEmail,
  defaultSeats,
  messageLabel = "What do you need?",
  messageHint = "Volumes, limits, security or invoicing needs: anything that helps us size it.",
}: {
  action: (prev: ActionState<{ id: string }>, fd: FormData) => Promise<ActionState<{ id: string }>>;
  defaultEmail: string;
  defaultSeats: number;
  /** A contract's change request asks "What should change?" instead. */
  messageLabel?: string;
  messageHint?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  // Controlled, so a refused request keeps what was typed (React resets a form after its action).
  const [values, setValues] = useState({
    contactEmail: defaultEmail,
    expectedSeats: String(defaultSeats),
    message: "",
  });
  const bind = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });
  useResultToast(state, undefined, { inlineErrors: true });
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- start a fresh message once the request is recorded
    if (state?.ok) setValues((v) => ({ ...v, message: "" }));
  }, [state]);
  const err = (name: string) => fieldError(state, name);
  return (
    <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-2" data-testid="enterprise-form">
      <Field id="enterprise-email" label="Contact email" error={err("contactEmail")}>
        <input
          {...fieldAria("enterprise-email", { error: err("contactEmail") })}
          {...bind("contactEmail")}
          type="email"
          autoComplete="email"
          required
          className={inputClass}
        />
      </Field>
      <Field
        id="enterprise-seats"
        label="Expected seats"
        hint="How many people will use the platform."
        error={err("expectedSeats")}
      >
        <input
          {...fieldAria("enterprise-seats", { error: err("expectedSeats"), hint: true })}
          {...bind("expectedSeats")}
          type="number"
          inputMode="numeric"
          min={1}
          required
          className={inputClass}
        />
      </Field>
      <Field
        id="enterprise-message"
        label={messageLabel}
        hint={messageHint}
        error={err("message")}
        className="sm:col-span-2"
      >
        <textarea
          {...fieldAria("enterprise-message", { error: err("message"), hint: true })}
          {...bind("message")}
          rows={4}
          required
          maxLength={2000}
          className={inputClass}
        />
      </Field>
      <div className="flex flex-col gap-3 sm:col-span-2">
        {state && !state.ok && !state.fieldErrors ? (
          <Notice tone="error" role="alert">
            {state.error}
          </Notice>
        ) : null}
        {state?.ok ? (
          <Notice tone="success" role="status" title="Request sent" testId="enterprise-sent">
            {state.message}
          </Notice>
        ) : null}
        <div>
          <Button type="submit" pending={pending} pendingLabel="Sending…">
            Send request
          </Button>
        </div>
      </div>
    </form>
  );
}
