"use server";

import { AppError } from "@/lib/errors";
import { adminAction } from "@/lib/http/action";
import { adminReplayEvent, adminReplayFailed, describeReplay, describeReplays, replaySchema } from "@/lib/admin";

/** Server actions of the webhook pages: replay one event (the page binds its id), or every failed one. */

const webhookPages = (id?: string) => [
  ...(id ? [`/admin/webhooks/${encodeURIComponent(id)}`] : []),
  "/admin/webhooks",
  "/admin/health",
  "/admin/audit",
];

export const replayEventAction = adminAction(
  { schema: replaySchema, message: describeReplay, revalidate: webhookPages },
  async (input, { db, stripe, actor }, eventId: string) => {
    const result = await adminReplayEvent(db, stripe, eventId, input, actor);
    if (result.outcome === "failed") throw new AppError("unprocessable", describeReplay(result));
    return result;
  },
);

export const replayFailedAction = adminAction(
  { schema: replaySchema, message: describeReplays, revalidate: () => webhookPages() },
  async (input, { db, stripe, actor }) => adminReplayFailed(db, stripe, input, actor),
);
