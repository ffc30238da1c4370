"use server";

import { redirect } from "next/navigation";
import type { ActionState } from "@/components/admin/action-form";
import {
  createFlag,
  createFlagSchema,
  deleteFlag,
  deleteFlagSchema,
  flagOverrideSchema,
  removeFlagOverride,
  removeFlagOverrideSchema,
  setFlagOverride,
  updateFlag,
  updateFlagSchema,
} from "@/lib/flags";
import { adminAction, field } from "../action-state";

/** Server actions of the flag pages; the flag service audits each write. */

const paths = (key?: string) => [
  "/admin/flags",
  ...(key ? [`/admin/flags/${encodeURIComponent(key)}`] : []),
  "/admin/audit",
];

export async function createFlagAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = createFlagSchema.parse({
        key: field(fd, "key"),
        description: field(fd, "description") ?? "",
        defaultEnabled: field(fd, "defaultEnabled") ?? false,
        rolloutPercent: field(fd, "rolloutPercent") || "0",
        reason: field(fd, "reason"),
      });
      await createFlag(db, input, actor);
    },
    "Flag created.",
    paths(),
  );
}

export async function updateFlagAction(key: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = updateFlagSchema.parse({
        description: field(fd, "description") ?? "",
        // An unticked checkbox sends nothing: that means off.
        defaultEnabled: field(fd, "defaultEnabled") ?? false,
        rolloutPercent: field(fd, "rolloutPercent"),
        reason: field(fd, "reason"),
      });
      await updateFlag(db, key, input, actor);
    },
    "Flag saved. Every instance uses it within a few seconds.",
    paths(key),
  );
}

export async function deleteFlagAction(key: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  const result = await adminAction(
    async (db, actor) => {
      await deleteFlag(db, key, deleteFlagSchema.parse({ reason: field(fd, "reason") }), actor);
    },
    "Flag deleted.",
    paths(key),
  );
  if (result?.ok) redirect("/admin/flags");
  return result;
}

export async function setOverrideAction(key: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = flagOverrideSchema.parse({
        organization: field(fd, "organization"),
        enabled: field(fd, "enabled"),
        reason: field(fd, "reason"),
      });
      await setFlagOverride(db, key, input, actor);
    },
    "Override saved.",
    paths(key),
  );
}

export async function removeOverrideAction(key: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = removeFlagOverrideSchema.parse({
        organization: field(fd, "organization"),
        reason: field(fd, "reason"),
      });
      await removeFlagOverride(db, key, input, actor);
    },
    "Override removed: the organization follows the rollout again.",
    paths(key),
  );
}
