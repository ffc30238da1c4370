import { getOrganizationDetailOrThrow } from "@/lib/admin";
import { withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/orgs/:id — members, subscription, usage vs limits, invoices, keys, flags, audit. */
export const GET = withPlatformAdmin<{ id: string }>(async (_req, { db, params }) => {
  return Response.json(await getOrganizationDetailOrThrow(db, params.id));
});
