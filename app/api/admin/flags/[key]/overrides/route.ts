import { z } from "zod";
import { userActor } from "@/lib/audit";
import { flagOverrideSchema, removeFlagOverride, removeFlagOverrideSchema, setFlagOverride } from "@/lib/flags";
import { flagKeyParam } from "@/lib/input";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

type P = { key: string };
/** The path names a flag: a key no flag could have is 404 (lib/input/ids.ts). */
const params = z.object({ key: flagKeyParam() });

/** PUT { organization: slug or id, enabled: boolean, reason } */
export const PUT = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, flagOverrideSchema);
    await setFlagOverride(db, params.key, body, userActor(user));
    return Response.json({ flag: params.key, organization: body.organization, enabled: body.enabled });
  },
  { params },
);

/** DELETE { organization, reason } */
export const DELETE = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, removeFlagOverrideSchema);
    await removeFlagOverride(db, params.key, body, userActor(user));
    return Response.json({ flag: params.key, organization: body.organization, removed: true });
  },
  { params },
);
