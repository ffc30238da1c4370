import { adminCreateManualInvoice, adminManualInvoiceSchema } from "@/lib/admin";
import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";

/**
 * POST { currency?, dueInDays?, memo?, lines: [{ description, quantity, unitAmountCents }] (1–5),
 * reason } — a manual invoice; answers 201 { id, number, totalCents, currency }.
 */
export const POST = withPlatformAdmin<{ id: string }>(async (req, { db, params, user }) => {
  const body = await readJson(req, adminManualInvoiceSchema);
  return Response.json(await adminCreateManualInvoice(db, params.id, body, userActor(user)), { status: 201 });
});
