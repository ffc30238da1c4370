import { z } from "zod";
import { uuidParam } from "@/lib/input";
import { getOrganizationDetailOrThrow } from "@/lib/admin";
import { withPlatformAdmin } from "@/lib/http/route";

/** The path names an organization: anything but a uuid is 404 (lib/input/ids.ts). */
const paramsSchema = z.object({ id: uuidParam("organization") });

export const dynamic = "force-dynamic";

/** GET /api/admin/orgs/:id — members, subscription, usage vs limits, invoices, keys, flags, audit. */
export const GET = withPlatformAdmin<{ id: string }>(
  async (_req, { db, params }) => {
    return Response.json(await getOrganizationDetailOrThrow(db, params.id));
  },
  { params: paramsSchema },
);
