import { z } from "zod";
import { slugParam } from "@/lib/input";
import { readQuery, withOrgRole } from "@/lib/http/route";
import { usageCsv, usageCsvFilename, getDailySeries, resolveExportRange, usageExportQuerySchema } from "@/lib/usage";

/**
 * GET /api/orgs/[slug]/usage/export?days=90 (or ?from=2026-09-01&to=2026-11-30): the daily usage
 * the dashboard shows, as CSV. Any member may download it; a bad query answers 400 saying why.
 */
export const GET = withOrgRole<{ slug: string }>(
  "member",
  async (req, { db, organization }) => {
    const range = resolveExportRange(readQuery(req, usageExportQuerySchema), new Date());
    const points = await getDailySeries(db, organization.id, range);
    return new Response(usageCsv(points), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${usageCsvFilename(organization.slug, range)}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
  { params: z.object({ slug: slugParam() }) },
);
