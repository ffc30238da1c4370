import "server-only";
import { eq } from "drizzle-orm";
import { billingDetails, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { taxIdRule } from "./billing-details-rules";

export { addressLinesOf as addressLines } from "./billing-details-rules";

/**
 * An organization's billing details: who its invoices are made out to, printed on our invoice
 * pages and PDFs. Saved by lib/billing (saveBillingDetails), which writes the Stripe customer too.
 */

export type BillingDetails = {
  email: string | null;
  /** The name invoices are made out to: the legal name entered, else the organization's name. */
  name: string;
  /** True when `name` was entered (not the organization's name by default). */
  nameSet: boolean;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  taxId: { type: string; label: string; value: string } | null;
  updatedAt: Date | null;
};

/** The details as stored (the organization's own name and email when nothing was entered). */
export async function getBillingDetails(db: Queryable, organizationId: string): Promise<BillingDetails> {
  const [row] = await db
    .select({ orgName: organizations.name, email: organizations.billingEmail, details: billingDetails })
    .from(organizations)
    .leftJoin(billingDetails, eq(billingDetails.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such organization.");
  const d = row.details;
  const rule = taxIdRule(d?.country);
  return {
    email: row.email,
    name: d?.name ?? row.orgName,
    nameSet: Boolean(d?.name),
    line1: d?.line1 ?? null,
    line2: d?.line2 ?? null,
    city: d?.city ?? null,
    state: d?.state ?? null,
    postalCode: d?.postalCode ?? null,
    country: d?.country ?? null,
    taxId:
      d?.taxIdType && d.taxIdValue
        ? { type: d.taxIdType, label: rule?.type === d.taxIdType ? rule.label : "Tax ID", value: d.taxIdValue }
        : null,
    updatedAt: d?.updatedAt ?? null,
  };
}
