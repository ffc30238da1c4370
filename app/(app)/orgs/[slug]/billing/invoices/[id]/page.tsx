import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InvoiceLines } from "@/components/invoices/invoice-lines";
import { InvoiceStatusBadge } from "@/components/invoices/invoice-status-badge";
import { periodText } from "@/components/invoices/invoice-table";
import { UsageBreakdown } from "@/components/invoices/usage-breakdown";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { requireOrgRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { getRequestLocale } from "@/lib/http/locale";
import { getInvoiceDetail } from "@/lib/invoices";

export const metadata: Metadata = { title: "Invoice" };

/*
 * No loading.tsx here or above this route (the dashboard's and the list's live in route groups):
 * the page renders before the response starts, so an unknown invoice's notFound() answers a real
 * 404 rather than a 200 whose streamed body says "not found".
 */

async function loadInvoice(id: string, organizationId: string) {
  try {
    return await getInvoiceDetail(await getDb(), id, organizationId);
  } catch (err) {
    // Another organization's invoice, or none: the same "not found".
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
}

export default async function InvoicePage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { organization } = await requireOrgRole(slug, "member");
  const [{ invoice, lines, organization: billedTo, usage }, locale] = await Promise.all([
    loadInvoice(id, organization.id),
    getRequestLocale(),
  ]);
  const now = new Date();
  const facts: { label: string; value: React.ReactNode }[] = [
    { label: "Issued", value: formatDate(invoice.issuedAt, locale) },
    {
      label: "Due",
      value: invoice.dueDate ? formatDate(invoice.dueDate, locale) : "On issue, charged to the card on file",
    },
    { label: "Paid", value: invoice.paidAt ? formatDate(invoice.paidAt, locale) : "Not yet" },
    { label: "Period", value: periodText(invoice.periodStart, invoice.periodEnd, locale) },
    {
      label: "Billed to",
      value: (
        <>
          {billedTo.name}
          {billedTo.billingEmail ? (
            <span className="block font-normal text-zinc-600 dark:text-zinc-400">{billedTo.billingEmail}</span>
          ) : null}
        </>
      ),
    },
    { label: "Issued by", value: invoice.source === "manual" ? "Our team (manual invoice)" : "Stripe" },
  ];

  return (
    <div className="space-y-6">
      <Link
        href={`/orgs/${slug}/billing/invoices`}
        className="inline-block text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
      >
        ← All invoices
      </Link>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            Invoice {invoice.number ?? "(draft)"}
            <InvoiceStatusBadge status={invoice.status} dueDate={invoice.dueDate} now={now} />
          </span>
        }
        description={invoice.memo ?? undefined}
        actions={
          <>
            {invoice.hostedInvoiceUrl ? (
              <a
                href={invoice.hostedInvoiceUrl}
                target="_blank"
                rel="noreferrer"
                className={buttonClass({ variant: "secondary" })}
              >
                View on Stripe <span className="sr-only">(opens in a new tab)</span>
                <span aria-hidden="true">↗</span>
              </a>
            ) : null}
            <a href={`/api/invoices/${invoice.id}/pdf`} download className={buttonClass()} data-testid="download-pdf">
              Download PDF
            </a>
          </>
        }
      />

      <Card>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm sm:grid-cols-3">
          {facts.map((f) => (
            <div key={f.label} className="min-w-0">
              <dt className="text-zinc-600 dark:text-zinc-400">{f.label}</dt>
              <dd className="font-medium break-words">{f.value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <section aria-labelledby="lines-heading">
        <SectionHeading id="lines-heading">Lines</SectionHeading>
        <InvoiceLines lines={lines} totals={invoice} locale={locale} />
      </section>

      <section aria-labelledby="usage-heading">
        <SectionHeading id="usage-heading">Usage in this period</SectionHeading>
        {usage ? (
          <UsageBreakdown usage={usage} currency={invoice.currency} locale={locale} now={now} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            This invoice has no billing period, so there is no usage to show.
          </p>
        )}
      </section>
    </div>
  );
}
