import { listOrganizations, orgListQuerySchema } from "@/lib/admin";
import { readQuery, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/orgs?q=&plan=&status=&pastDue=1&overLimit=1&sort=name|created|plan&dir=&page=&perPage= */
export const GET = withPlatformAdmin(async (req, { db }) => {
  return Response.json(await listOrganizations(db, readQuery(req, orgListQuerySchema)));
});
