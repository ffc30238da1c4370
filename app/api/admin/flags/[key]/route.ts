import { z } from "zod";
import { userActor } from "@/lib/audit";
import { deleteFlag, deleteFlagSchema, getFlagOrThrow, updateFlag, updateFlagSchema } from "@/lib/flags";
import { flagKeyParam } from "@/lib/input";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";
type P = { key: string };
/** The path names a flag: a key no flag could have is 404 (lib/input/ids.ts). */
const params = z.object({ key: flagKeyParam() });

export const GET = withPlatformAdmin<P>(
  async (_req, { db, params }) => Response.json(await getFlagOrThrow(db, params.key)),
  {
    params,
  },
);

/** PATCH { description?, defaultEnabled?, rolloutPercent?, reason } */
export const PATCH = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, updateFlagSchema);
    return Response.json(await updateFlag(db, params.key, body, userActor(user)));
  },
  { params },
);

/** DELETE { reason } — removes the flag and its overrides. */
export const DELETE = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, deleteFlagSchema);
    await deleteFlag(db, params.key, body, userActor(user));
    return Response.json({ deleted: true });
  },
  { params },
);
