import "server-only";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import { invoiceLines, invoices, organizations, type Invoice, type InvoiceLine } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { addressLines, getBillingDetails, type BillingDetails } from "./billing-details";
import { invoiceDocument, type DocumentParty, type InvoiceDocument } from "./document";
import { invoiceUsage, type UsageBreakdown } from "./usage";
import { isUuid } from "@/lib/input";

export type InvoiceListItem = Pick<
  Invoice,
  | "id"
  | "number"
  | "status"
  | "currency"
  | "totalCents"
  | "amountDueCents"
  | "amountPaidCents"
  | "periodStart"
  | "periodEnd"
  | "issuedAt"
  | "dueDate"
  | "hostedInvoiceUrl"
  | "source"
>;

export async function listInvoices(
  db: Queryable,
  organizationId: string,
  page: { page: number; pageSize: number },
): Promise<{ items: InvoiceListItem[]; total: number }> {
  const where = eq(invoices.organizationId, organizationId);
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        status: invoices.status,
        currency: invoices.currency,
        totalCents: invoices.totalCents,
        amountDueCents: invoices.amountDueCents,
        amountPaidCents: invoices.amountPaidCents,
        periodStart: invoices.periodStart,
        periodEnd: invoices.periodEnd,
        issuedAt: invoices.issuedAt,
        dueDate: invoices.dueDate,
        hostedInvoiceUrl: invoices.hostedInvoiceUrl,
        source: invoices.source,
      })
      .from(invoices)
      .where(where)
      // Newest first; invoices created in the same second (a test clock, a switch and its
      // credit) by number, which Stripe gives in order, then by when our row was written.
      .orderBy(
        desc(invoices.issuedAt),
        sql`${invoices.number} is not null`,
        desc(sql`length(${invoices.number})`),
        desc(invoices.number),
        desc(invoices.createdAt),
        desc(invoices.id),
      )
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(invoices).where(where),
  ]);
  return { items, total: Number(total?.n ?? 0) };
}

export type InvoiceDetail = {
  invoice: Invoice;
  lines: InvoiceLine[];
  organization: { id: string; name: string; slug: string };
  /** Who the invoice is made out to: the organization's billing details. */
  customer: DocumentParty;
  usage: UsageBreakdown | null;
};

/** The party an invoice is made out to, from an organization's billing details. */
export function customerParty(d: BillingDetails): DocumentParty {
  return {
    name: d.name,
    addressLines: addressLines(d),
    email: d.email,
    taxId: d.taxId ? { label: d.taxId.label, value: d.taxId.value } : null,
  };
}

/** An invoice of this organization with its lines, customer and usage; another organization's invoice is "not found". */
export async function getInvoiceDetail(
  db: Queryable,
  invoiceId: string,
  organizationId: string | "any",
  now = new Date(),
): Promise<InvoiceDetail> {
  if (!isUuid(invoiceId)) throw new AppError("not_found", "No such invoice.");
  const [row] = await db
    .select({
      invoice: invoices,
      org: { id: organizations.id, name: organizations.name, slug: organizations.slug },
    })
    .from(invoices)
    .innerJoin(organizations, eq(organizations.id, invoices.organizationId))
    .where(
      organizationId === "any"
        ? eq(invoices.id, invoiceId)
        : and(eq(invoices.id, invoiceId), eq(invoices.organizationId, organizationId)),
    )
    .limit(1);
  if (!row) throw new AppError("not_found", "No such invoice.");
  const [lines, details, usage] = await Promise.all([
    db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position)),
    getBillingDetails(db, row.org.id),
    invoiceUsage(db, row.invoice, now),
  ]);
  return { invoice: row.invoice, lines, organization: row.org, customer: customerParty(details), usage };
}

/** The invoice as the page and the PDF print it (seller from configuration). */
export async function getInvoiceDocument(
  db: Queryable,
  invoiceId: string,
  organizationId: string | "any",
  now = new Date(),
): Promise<InvoiceDocument> {
  return invoiceDocument(await getInvoiceDetail(db, invoiceId, organizationId, now), env().seller);
}
