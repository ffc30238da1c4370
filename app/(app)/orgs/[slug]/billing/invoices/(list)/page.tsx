import type { Metadata } from "next";
import { z } from "zod";
import { InvoiceTable } from "@/components/invoices/invoice-table";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { getDb } from "@/db/client";
import { requireOrgRole } from "@/lib/auth/session";
import { getRequestLocale } from "@/lib/http/locale";
import { getCustomerBalance, listInvoices } from "@/lib/invoices";
import { getStripe } from "@/lib/stripe/client";
import { canManageBilling } from "@/lib/auth/roles";
import { balanceText } from "@/components/billing/format";
import { Notice } from "@/components/ui/notice";

export const metadata: Metadata = { title: "Invoices" };

const PAGE_SIZE = 12;
/** ?page=N: a positive whole number; anything else reads as the first page. */
const searchSchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

export default async function InvoicesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const raw = await searchParams;
  const { page } = searchSchema.parse({ page: Array.isArray(raw.page) ? raw.page[0] : (raw.page ?? 1) });
  const { organization, role } = await requireOrgRole(slug, "member");
  const db = await getDb();
  const [{ items, total }, locale, balance] = await Promise.all([
    listInvoices(db, organization.id, { page, pageSize: PAGE_SIZE }),
    getRequestLocale(),
    getCustomerBalance(db, getStripe(), organization.id),
  ]);
  const credit = balanceText(balance, locale);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const base = `/orgs/${slug}/billing/invoices`;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Invoices"
        description={
          total > 0
            ? `${total} ${total === 1 ? "invoice" : "invoices"} for ${organization.name}, newest first. Each opens with its lines and the usage behind it.`
            : `Invoices for ${organization.name} appear here.`
        }
        actions={
          canManageBilling(role) ? (
            <ButtonLink href={`/orgs/${slug}/billing/details`} variant="secondary">
              Billing details
            </ButtonLink>
          ) : null
        }
      />
      {credit ? (
        <Notice
          tone={credit.tone === "credit" ? "success" : credit.tone === "owed" ? "warning" : "neutral"}
          role="note"
          testId="invoices-credit-balance"
        >
          <span className="font-semibold">
            {credit.label}
            {credit.amount ? `: ${credit.amount}` : ""}.
          </span>{" "}
          {credit.note}
        </Notice>
      ) : null}
      {total === 0 ? (
        <EmptyState
          title="No invoices yet"
          action={
            <ButtonLink href={`/orgs/${slug}/billing/plan`} variant="secondary">
              See plans
            </ButtonLink>
          }
        >
          {organization.name} hasn’t been billed yet. When you subscribe to a paid plan, each invoice shows up here with
          a PDF to download.
        </EmptyState>
      ) : items.length === 0 ? (
        <EmptyState
          title="Nothing on this page"
          action={
            <ButtonLink href={base} variant="secondary">
              Go to the first page
            </ButtonLink>
          }
        >
          There are {total} invoices over {pages} {pages === 1 ? "page" : "pages"}.
        </EmptyState>
      ) : (
        <>
          <InvoiceTable invoices={items} detailHref={(id) => `${base}/${id}`} locale={locale} now={new Date()} />
          <Pagination
            page={page}
            pages={pages}
            href={(p) => (p === 1 ? base : `${base}?page=${p}`)}
            label="Invoice pages"
          />
        </>
      )}
    </div>
  );
}
