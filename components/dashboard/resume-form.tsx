"use client";

import { useActionState } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { useResultToast } from "@/components/ui/toast";

/** A server action bound to the organization: resumes a scheduled cancellation (it checks the role itself). */
export type ResumeAction = (
  prev: ActionState<{ unchanged: boolean }>,
  formData: FormData,
) => Promise<ActionState<{ unchanged: boolean }>>;

/** "Resume plan": a form posting to the server action; shows progress, then the outcome as a toast (and inline if refused). */
export function ResumeForm({ action }: { action: ResumeAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  useResultToast(state, "Your plan continues.");
  return (
    <form action={formAction} className="flex flex-col items-start gap-1 sm:items-end">
      <Button type="submit" size="sm" variant="secondary" pending={pending} pendingLabel="Resuming…">
        Resume plan
      </Button>
      {state && !state.ok ? (
        <p role="alert" className="text-xs font-medium">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
