"use client";

import { useActionState, useState } from "react";
import type { FormAction } from "@/components/ui/action-state";
import { buttonClass } from "@/components/ui/button";

/** Revoke in two steps: the first click asks, the second revokes. */
export function ApiKeyRevokeButton({ apiKeyId, name, action }: { apiKeyId: string; name: string; action: FormAction }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        className={buttonClass({ variant: "secondary", size: "sm" })}
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${name}`}
      >
        Revoke
      </button>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center justify-end gap-2">
      <input type="hidden" name="apiKeyId" value={apiKeyId} />
      <span className="text-xs text-zinc-600 dark:text-zinc-400">Calls with it will get 401.</span>
      <button
        type="submit"
        disabled={pending}
        className={buttonClass({ variant: "danger", size: "sm" })}
        aria-label={pending ? undefined : `Revoke “${name}”`}
      >
        {pending ? (
          "Revoking…"
        ) : (
          // A long name is cut on screen, left out on a phone (the accessible name keeps all of it): the table stays in the page.
          <>
            Revoke
            <span className="hidden sm:inline">
              “<span className="inline-block max-w-40 truncate align-bottom">{name}</span>”
            </span>
          </>
        )}
      </button>
      <button
        type="button"
        className={buttonClass({ variant: "secondary", size: "sm" })}
        onClick={() => setConfirming(false)}
        disabled={pending}
      >
        Cancel
      </button>
      {state && !state.ok ? (
        <p role="alert" className="w-full text-right text-xs text-red-700 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
