import { z } from "zod";
import { uuidParam } from "@/lib/input";
import { suspendOrganization, suspendSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/** The path names an organization: anything but a uuid is 404 (lib/input/ids.ts). */
const paramsSchema = z.object({ id: uuidParam("organization") });

/** POST { reason } — the reason is shown to the organization's API clients in the 403. */
export const POST = withPlatformAdmin<{ id: string }>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, suspendSchema);
    return Response.json(await suspendOrganization(db, params.id, body, userActor(user)));
  },
  { params: paramsSchema },
);
