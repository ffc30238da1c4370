import { z } from "zod";
import { uuidParam } from "@/lib/input";
import { removeLimitOverride, removeLimitOverrideSchema, setLimitOverride, setLimitOverrideSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** The path names an organization: anything but a uuid is 404 (lib/input/ids.ts). */
const paramsSchema = z.object({ id: uuidParam("organization") });

/** PUT { key, value: number | null (unlimited), reason } — override one limit. */
export const PUT = withPlatformAdmin<{ id: string }>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, setLimitOverrideSchema);
    return Response.json(await setLimitOverride(db, params.id, body, userActor(user)));
  },
  { params: paramsSchema },
);

/** DELETE { key, reason } — the plan's limit applies again. */
export const DELETE = withPlatformAdmin<{ id: string }>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, removeLimitOverrideSchema);
    return Response.json(await removeLimitOverride(db, params.id, body, userActor(user)));
  },
  { params: paramsSchema },
);
