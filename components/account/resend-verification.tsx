"use client";

import { useActionState } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";

/** Send the email confirmation link again; says where it went. */
export function ResendVerificationButton({
  action,
}: {
  action: (prev: ActionState<{ email: string }>, fd: FormData) => Promise<ActionState<{ email: string }>>;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="mt-2 flex flex-wrap items-center gap-3">
      <Button type="submit" size="sm" variant="secondary" pending={pending}>
        Send the link again
      </Button>
      {state ? <span role="status">{state.ok ? state.message : state.error}</span> : null}
    </form>
  );
}
