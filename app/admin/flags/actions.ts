"use server";

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
import { adminAction } from "@/lib/http/action";

/** Server actions of the flag pages (the page binds the flag's key); the flag service audits each write. */

const flagPages = (key?: string) => [
  "/admin/flags",
  ...(key ? [`/admin/flags/${encodeURIComponent(key)}`] : []),
  "/admin/audit",
];

export const createFlagAction = adminAction(
  { schema: createFlagSchema, message: "Flag created.", revalidate: () => flagPages() },
  async (input, { db, actor }) => {
    await createFlag(db, input, actor);
  },
);

export const updateFlagAction = adminAction(
  {
    schema: updateFlagSchema,
    message: "Flag saved. Every instance uses it within a few seconds.",
    revalidate: flagPages,
  },
  async (input, { db, actor }, key: string) => {
    // An unticked checkbox sends nothing: that means off.
    await updateFlag(db, key, { ...input, defaultEnabled: input.defaultEnabled ?? false }, actor);
  },
);

export const deleteFlagAction = adminAction(
  { schema: deleteFlagSchema, message: "Flag deleted.", revalidate: flagPages, redirectTo: () => "/admin/flags" },
  async (input, { db, actor }, key: string) => {
    await deleteFlag(db, key, input, actor);
  },
);

export const setOverrideAction = adminAction(
  { schema: flagOverrideSchema, message: "Override saved.", revalidate: flagPages },
  async (input, { db, actor }, key: string) => {
    await setFlagOverride(db, key, input, actor);
  },
);

export const removeOverrideAction = adminAction(
  {
    schema: removeFlagOverrideSchema,
    message: "Override removed: the organization follows the rollout again.",
    revalidate: flagPages,
  },
  async (input, { db, actor }, key: string) => {
    await removeFlagOverride(db, key, input, actor);
  },
);
