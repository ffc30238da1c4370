"use client";

import { useActionState, useState, useTransition } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { selectClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { toast, useResultToast } from "@/components/ui/toast";

type Role = "owner" | "admin" | "member";
const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** Change a member's role or remove them (with a confirmation that states the seat effect). */
export function MemberActions({
  membershipId,
  who,
  role,
  roles,
  changeRole,
  remove,
  removeEffect,
  canRemove,
}: {
  membershipId: string;
  who: string;
  role: Role;
  roles: Role[];
  changeRole: (prev: ActionState<{ changed: boolean }>, fd: FormData) => Promise<ActionState<{ changed: boolean }>>;
  remove: (prev: ActionState<{ seats: number }>, fd: FormData) => Promise<ActionState<{ seats: number }>>;
  removeEffect: string | null;
  canRemove: boolean;
}) {
  const [roleState, roleAction, rolePending] = useActionState(changeRole, null);
  const [confirming, setConfirming] = useState(false);
  const [removing, startRemove] = useTransition();
  const [removeError, setRemoveError] = useState<string | null>(null);
  useResultToast(roleState, undefined, { inlineErrors: true });
  const selectId = `role-${membershipId}`;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleAction} className="flex items-center gap-2">
        <input type="hidden" name="membershipId" value={membershipId} />
        <label htmlFor={selectId} className="sr-only">
          Role of {who}
        </label>
        <select id={selectId} name="role" defaultValue={role} key={role} className={`${selectClass} w-auto py-1.5`}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
        <Button
          type="submit"
          variant="secondary"
          size="sm"
          pending={rolePending}
          pendingLabel="Saving…"
          aria-label={`Save role of ${who}`}
        >
          Save
        </Button>
      </form>
      {canRemove ? (
        <Button
          variant="ghost"
          size="sm"
          className="text-red-700 dark:text-red-400"
          onClick={() => setConfirming(true)}
          aria-label={`Remove ${who}`}
        >
          Remove
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onClose={() => {
          setConfirming(false);
          setRemoveError(null);
        }}
        title={`Remove ${who}?`}
        description="They lose access to this organization at once. You can invite them again later."
        confirmLabel="Remove member"
        pendingLabel="Removing…"
        pending={removing}
        variant="danger"
        onConfirm={() =>
          startRemove(async () => {
            const fd = new FormData();
            fd.set("membershipId", membershipId);
            const r = await remove(null, fd);
            if (r?.ok) {
              toast({ tone: "success", title: `${who} was removed`, description: r.message });
              setConfirming(false);
            } else {
              setRemoveError(r?.error ?? "The member was not removed. Try again.");
            }
          })
        }
      >
        {removeEffect ? (
          <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="remove-seat-effect">
            {removeEffect}
          </p>
        ) : null}
        {removeError ? (
          <Notice tone="error" role="alert">
            {removeError}
          </Notice>
        ) : null}
      </ConfirmDialog>
      {roleState && !roleState.ok ? (
        <p role="alert" className="w-full text-sm text-red-700 dark:text-red-400">
          {roleState.error}
        </p>
      ) : null}
    </div>
  );
}
