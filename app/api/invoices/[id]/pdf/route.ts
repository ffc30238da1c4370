import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { invoices, memberships } from "@/db/schema";
import { currentUserOfRequest } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { parseIdOrNotFound, uuidParam } from "@/lib/input";
import { withErrors } from "@/lib/http/route";
import { getInvoiceDocument, renderInvoicePdf } from "@/lib/invoices";

export const dynamic = "force-dynamic";

/** The invoice as PDF: members of its organization and platform admins; anyone else gets 404. */
export const GET = withErrors<{ id: string }>(
  async (req, { db, params: raw }) => {
    const user = await currentUserOfRequest(req);
    if (!user) throw new AppError("not_found", "No such invoice.");
    // The one id parser: anything but a uuid is "no such invoice", before any query.
    const params = { id: parseIdOrNotFound(raw.id, "invoice") };
    let scope: string | "any" = "any";
    if (!user.isPlatformAdmin) {
      const [row] = await db
        .select({ organizationId: invoices.organizationId })
        .from(invoices)
        .innerJoin(
          memberships,
          and(eq(memberships.organizationId, invoices.organizationId), eq(memberships.userId, user.id)),
        )
        .where(eq(invoices.id, params.id))
        .limit(1);
      if (!row) throw new AppError("not_found", "No such invoice.");
      scope = row.organizationId;
    }
    const now = new Date();
    const doc = await getInvoiceDocument(db, params.id, scope, now);
    const pdf = await renderInvoicePdf(doc, now);
    const name = `${doc.kind === "credit" ? "credit" : "invoice"}-${(doc.number ?? doc.id).replace(/[^A-Za-z0-9_-]/g, "")}.pdf`;
    return new Response(Buffer.from(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "private, no-store",
      },
    });
  },
  { params: z.object({ id: uuidParam("invoice") }) },
);
