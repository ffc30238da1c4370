import "server-only";
import { and, asc, count, desc, eq, gt, lt } from "drizzle-orm";
import {
  invoiceLines,
  invoices,
  organizations,
  usageCounters,
  usageRecords,
  type Invoice,
  type InvoiceLine,
} from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";

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
      .orderBy(desc(invoices.issuedAt), desc(invoices.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(invoices).where(where),
  ]);
  return { items, total: Number(total?.n ?? 0) };
}

export type UsageBreakdown = {
  periodStart: Date;
  periodEnd: Date;
  source: "period record" | "live counters";
  rows: { metric: string; used: number; limit: number | null }[];
  overage: { metric: string; quantity: number; unitCents: number; amountCents: number }[];
};

export type InvoiceDetail = {
  invoice: Invoice;
  lines: InvoiceLine[];
  organization: { id: string; name: string; slug: string; billingEmail: string | null };
  usage: UsageBreakdown | null;
};

/** An invoice of this organization with its lines and usage breakdown; another organization's invoice is "not found". */
export async function getInvoiceDetail(
  db: Queryable,
  invoiceId: string,
  organizationId: string | "any",
): Promise<InvoiceDetail> {
  if (!/^[0-9a-f-]{36}$/i.test(invoiceId)) throw new AppError("not_found", "No such invoice.");
  const [row] = await db
    .select({
      invoice: invoices,
      org: {
        id: organizations.id,
        name: organizations.name,
        slug: organizations.slug,
        billingEmail: organizations.billingEmail,
      },
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
  const lines = await db
    .select()
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, invoiceId))
    .orderBy(asc(invoiceLines.position));
  return { invoice: row.invoice, lines, organization: row.org, usage: await usageBreakdown(db, row.invoice) };
}

/**
 * The usage behind an invoice's period: the closed period's record when there is one,
 * otherwise the live counters of the overlapping usage period.
 */
export async function usageBreakdown(db: Queryable, inv: Invoice): Promise<UsageBreakdown | null> {
  if (!inv.periodStart || !inv.periodEnd) return null;
  const [record] = await db
    .select()
    .from(usageRecords)
    .where(
      and(
        eq(usageRecords.organizationId, inv.organizationId),
        lt(usageRecords.periodStart, inv.periodEnd),
        gt(usageRecords.periodEnd, inv.periodStart),
      ),
    )
    .orderBy(desc(usageRecords.periodStart))
    .limit(1);
  if (record) {
    const l = record.limits;
    return {
      periodStart: record.periodStart,
      periodEnd: record.periodEnd,
      source: "period record",
      rows: [
        { metric: "users", used: record.users, limit: l.maxUsers ?? null },
        { metric: "agents", used: record.agents, limit: l.maxAgents ?? null },
        { metric: "executions", used: record.executions, limit: l.maxExecutionsPerMonth ?? null },
        {
          metric: "storage_bytes",
          used: record.storageBytes,
          limit: l.maxStorageGb == null ? null : l.maxStorageGb * 1_000_000_000,
        },
        { metric: "gateways", used: record.gateways, limit: l.maxGateways ?? null },
      ],
      overage: record.overageLines,
    };
  }
  const counters = await db
    .select({
      metric: usageCounters.metric,
      value: usageCounters.value,
      periodStart: usageCounters.periodStart,
      periodEnd: usageCounters.periodEnd,
    })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.organizationId, inv.organizationId),
        lt(usageCounters.periodStart, inv.periodEnd),
        gt(usageCounters.periodEnd, inv.periodStart),
      ),
    )
    .orderBy(desc(usageCounters.periodStart));
  if (counters.length === 0) return null;
  const start = counters[0]!.periodStart;
  const rows = counters
    .filter((c) => c.periodStart.getTime() === start.getTime())
    .map((c) => ({ metric: c.metric as string, used: c.value, limit: null }));
  return { periodStart: start, periodEnd: counters[0]!.periodEnd, source: "live counters", rows, overage: [] };
}
