import { userActor } from "@/lib/audit";
import { createFlag, createFlagSchema, listFlags } from "@/lib/flags";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withPlatformAdmin(async (_req, { db }) => Response.json({ flags: await listFlags(db) }));

/** POST { key, description?, defaultEnabled?, rolloutPercent?, reason } */
export const POST = withPlatformAdmin(async (req, { db, user }) => {
  const body = await readJson(req, createFlagSchema);
  return Response.json(await createFlag(db, body, userActor(user)), { status: 201 });
});
