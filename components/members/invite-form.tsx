"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { fieldError, type ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass, selectClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useResultToast } from "@/components/ui/toast";

type Invited = { email: string; role: string };
export type InviteAction = (prev: ActionState<Invited>, fd: FormData) => Promise<ActionState<Invited>>;

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
  // The server action itself (so the form works before hydration and without JavaScript).
  // Uncontrolled fields: what was typed is kept on submit and re-mounted (key) with the answer —
  // a refused invite keeps it, a successful one clears the address. (Controlled inputs lost typed
  // text to a hydration race before.)
  const [state, formAction, pending] = useActionState(action, null);
  const [last, setLast] = useState({ email: "", role: "member", n: 0 });
  const email = state?.ok ? "" : last.email;
  const role = last.role;
  const key = `${last.n}-${state?.ok ? "ok" : "x"}`;
  useResultToast(state, undefined, { inlineErrors: true });
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
    <form
      action={formAction}
      onSubmit={(e) => {
        const fd = new FormData(e.currentTarget);
        setLast((l) => ({
          email: String(fd.get("email") ?? ""),
          role: String(fd.get("role") ?? "member"),
          n: l.n + 1,
        }));
      }}
      noValidate
      className="space-y-3"
      data-testid="invite-form"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field id="invite-email" label="Email" error={emailError} className="flex-1">
          <input
            {...fieldAria("invite-email", { error: emailError })}
            name="email"
            type="email"
            autoComplete="off"
            required
            placeholder="name@company.com"
            key={`email-${key}`}
            defaultValue={email}
            className={inputClass}
          />
        </Field>
        <Field id="invite-role" label="Role" className="sm:w-40">
          <select id="invite-role" name="role" key={`role-${key}`} defaultValue={role} className={selectClass}>
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
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="invite-billing-note">
        We email them a link to join. {seatEffect ? "The seat is billed when they accept, not now." : ""}
      </p>
      {state && !state.ok && !emailError ? (
        <Notice tone="error" role="alert" title="Not invited" testId="invite-error">
          {state.error}
        </Notice>
      ) : null}
    </form>
  );
}
