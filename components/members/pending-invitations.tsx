"use client";

import { useActionState } from "react";
import type { FormAction } from "@/components/ui/action-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useResultToast } from "@/components/ui/toast";

export type PendingItem = { id: string; email: string; role: string; expires: string; expired: boolean };

function RowAction({
  id,
  action,
  label,
  variant,
}: {
  id: string;
  action: FormAction;
  label: string;
  variant: "secondary" | "danger";
}) {
  const [state, formAction, pending] = useActionState(action, null);
  useResultToast(state);
  return (
    <form action={formAction}>
      <input type="hidden" name="invitationId" value={id} />
      <Button type="submit" size="sm" variant={variant} pending={pending}>
        {label}
      </Button>
    </form>
  );
}

/** Invitations sent and not yet accepted: resend (a new link) or revoke. */
export function PendingInvitations({
  items,
  resend,
  revoke,
  canManage,
}: {
  items: PendingItem[];
  resend: FormAction;
  revoke: FormAction;
  canManage: boolean;
}) {
  return (
    <ul
      aria-label="Pending invitations"
      className="divide-y divide-zinc-100 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {items.map((i) => (
        <li
          key={i.id}
          data-testid="invitation-row"
          className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between"
        >
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 font-medium">
              <span className="truncate">{i.email}</span>
              <Badge tone="neutral">{i.role[0]!.toUpperCase() + i.role.slice(1)}</Badge>
              {i.expired ? <Badge tone="red">Expired</Badge> : null}
            </p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {i.expired ? `Expired on ${i.expires}` : `Link valid until ${i.expires}`}
            </p>
          </div>
          {canManage ? (
            <div className="flex gap-2">
              <RowAction id={i.id} action={resend} label={`Resend`} variant="secondary" />
              <RowAction id={i.id} action={revoke} label={`Revoke`} variant="danger" />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
