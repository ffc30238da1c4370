import { z } from "zod";
import { adminReplayEvent, describeReplay, replaySchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { stripeEventIdParam } from "@/lib/input";
import { getStripe } from "@/lib/stripe/client";

/**
 * POST { reason } — process a failed or pending event again. 200 { id, outcome }; 422 when its
 * handler fails again (recorded on the event and in the audit log); 409 when already processed.
 */
export const POST = withPlatformAdmin<{ id: string }>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, replaySchema);
    const result = await adminReplayEvent(db, getStripe(), params.id, body, userActor(user));
    if (result.outcome === "failed") throw new AppError("unprocessable", describeReplay(result), { result });
    return Response.json(result);
  },
  { params: z.object({ id: stripeEventIdParam() }) },
);
