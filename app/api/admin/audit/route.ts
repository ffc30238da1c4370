import { auditQuerySchema, listAudit } from "@/lib/admin";
import { readQuery, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/audit?actor=&org=&action=&from=YYYY-MM-DD&to=YYYY-MM-DD&page= */
export const GET = withPlatformAdmin(async (req, { db }) =>
  Response.json(await listAudit(db, readQuery(req, auditQuerySchema))),
);
