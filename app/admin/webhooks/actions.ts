"use server";

import type { ActionState } from "@/components/admin/action-form";
import { AppError } from "@/lib/errors";
import { getStripe } from "@/lib/stripe/client";
import { field } from "../action-state";
import { adminActionReporting } from "../orgs/[id]/billing-ops";
import { adminReplayEvent, adminReplayFailed, describeReplay, describeReplays } from "./replay-ops";

/** Server actions of the webhook pages: replay one event, or every failed one. */

const paths = (id?: string) => [
  ...(id ? [`/admin/webhooks/${encodeURIComponent(id)}`] : []),
  "/admin/webhooks",
  "/admin/health",
  "/admin/audit",
];

export async function replayEventAction(eventId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminActionReporting(async (db, actor) => {
    const result = await adminReplayEvent({ db, stripe: getStripe() }, eventId, { reason: field(fd, "reason") }, actor);
    if (result.outcome === "failed") throw new AppError("unprocessable", describeReplay(result));
    return describeReplay(result);
  }, paths(eventId));
}

export async function replayFailedAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminActionReporting(
    async (db, actor) =>
      describeReplays(await adminReplayFailed({ db, stripe: getStripe() }, { reason: field(fd, "reason") }, actor)),
    paths(),
  );
}
