"use client";

import Link from "next/link";
import { useActionState, useEffect, useState } from "react";
import { fieldError, type ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass, selectClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useResultToast } from "@/components/ui/toast";

export type InviteAction = (
  prev: ActionState<{ email: string; seats: number }>,
  fd: FormData,
) => Promise<ActionState<{ email: string; seats: number }>>;

/**
 * Invite by email with a role. At the plan's user limit the form is replaced by the reason and a
 * way out (the server refuses such an invite anyway); on per-seat plans it says what a seat costs.
 */
export function InviteForm({
  action,
  canGrantOwner,
  seatEffect,
  atLimit,
  planHref,
}: {
  action: InviteAction;
  canGrantOwner: boolean;
  seatEffect: string | null;
  atLimit: string | null;
  planHref: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  // Controlled, so a refused invite keeps what was typed (React resets a form after its action).
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  useResultToast(state, undefined, { inlineErrors: true });
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- clear the field once, after a successful invite
    if (state?.ok) setEmail("");
  }, [state]);
  const emailError = fieldError(state, "email");
  if (atLimit) {
    return (
      <Notice
        tone="warning"
        role="note"
        title="You’ve reached your plan’s member limit"
        testId="member-limit"
        action={
          <Link href={planHref} className="font-semibold underline underline-offset-2">
            See plans
          </Link>
        }
      >
        {atLimit}
      </Notice>
    );
  }
  return (
    <form action={formAction} noValidate className="space-y-3" data-testid="invite-form">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field id="invite-email" label="Email" error={emailError} className="flex-1">
          <input
            {...fieldAria("invite-email", { error: emailError })}
            name="email"
            type="email"
            autoComplete="off"
            required
            placeholder="name@company.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={inputClass}
          />
        </Field>
        <Field id="invite-role" label="Role" className="sm:w-40">
          <select
            id="invite-role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value)}
            className={selectClass}
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
            {canGrantOwner ? <option value="owner">Owner</option> : null}
          </select>
        </Field>
        <div className="sm:pt-7">
          <Button type="submit" pending={pending} pendingLabel="Inviting…" className="w-full sm:w-auto">
            Invite
          </Button>
        </div>
      </div>
      {seatEffect ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="seat-effect">
          {seatEffect}
        </p>
      ) : null}
      {state && !state.ok && !emailError ? (
        <Notice tone="error" role="alert" title="Not invited" testId="invite-error">
          {state.error}
        </Notice>
      ) : null}
    </form>
  );
}
