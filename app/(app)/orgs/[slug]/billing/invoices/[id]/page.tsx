import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InvoiceLines } from "@/components/invoices/invoice-lines";
import { InvoiceParties } from "@/components/invoices/invoice-parties";
import { InvoiceStatusBadge } from "@/components/invoices/invoice-status-badge";
import { UsageBreakdown } from "@/components/invoices/usage-breakdown";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { getRequestLocale } from "@/lib/http/locale";
import { getInvoiceDocument, noteText, periodText } from "@/lib/invoices";

export const metadata: Metadata = { title: "Invoice" };

/*
 * No loading.tsx here or above this route (the dashboard's and the list's live in route groups):
 * the page renders before the response starts, so an unknown invoice's notFound() answers a real
 * 404 rather than a 200 whose streamed body says "not found".
 */

async function loadInvoice(id: string, organizationId: string, now: Date) {
  try {
    return await getInvoiceDocument(await getDb(), id, organizationId, now);
  } catch (err) {
    // Another organization's invoice, or none: the same "not found".
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
}

export default async function InvoicePage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { organization, role } = await requireOrgRole(slug, "member");
  const now = new Date();
  const [doc, locale] = await Promise.all([loadInvoice(id, organization.id, now), getRequestLocale()]);
  const credit = doc.kind === "credit";
  const total = doc.totals.find((t) => t.key === "total")!.cents;
  const note = noteText(doc, locale);
  const facts: { label: string; value: React.ReactNode }[] = [
    { label: "Issued", value: formatDate(doc.issuedAt, locale) },
    {
      label: "Due",
      value: credit
        ? "Nothing to pay"
        : doc.dueDate
          ? formatDate(doc.dueDate, locale)
          : "On issue, charged to the card on file",
    },
    {
      label: credit ? "Credited" : "Paid",
      value: doc.paidAt ? formatDate(doc.paidAt, locale) : "Not yet",
    },
    { label: "Period", value: periodText(doc.periodStart, doc.periodEnd, locale) },
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
            {credit ? "Credit" : "Invoice"} {doc.number ?? "(draft)"}
            <InvoiceStatusBadge status={doc.status} dueDate={doc.dueDate} now={now} totalCents={total} />
          </span>
        }
        description={doc.memo ?? undefined}
        actions={
          <>
            {doc.hostedInvoiceUrl ? (
              <a
                href={doc.hostedInvoiceUrl}
                target="_blank"
                rel="noreferrer"
                className={buttonClass({ variant: "secondary" })}
              >
                View on Stripe <span className="sr-only">(opens in a new tab)</span>
                <span aria-hidden="true">↗</span>
              </a>
            ) : null}
            <a href={`/api/invoices/${doc.id}/pdf`} download className={buttonClass()} data-testid="download-pdf">
              Download PDF
            </a>
          </>
        }
      />

      <Card className="space-y-5">
        <InvoiceParties
          seller={doc.seller}
          customer={doc.customer}
          editHref={canManageBilling(role) ? `/orgs/${slug}/billing/details` : null}
        />
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 border-t border-zinc-100 pt-4 text-sm sm:grid-cols-4 dark:border-zinc-800">
          {facts.map((f) => (
            <div key={f.label} className="min-w-0">
              <dt className="text-zinc-600 dark:text-zinc-400">{f.label}</dt>
              <dd className="font-medium break-words">{f.value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <section aria-labelledby="lines-heading" className="space-y-3">
        <SectionHeading id="lines-heading">Lines</SectionHeading>
        <InvoiceLines lines={doc.lines} totals={doc.totals} currency={doc.currency} locale={locale} />
        {note ? (
          <Notice tone={credit ? "success" : "info"} role="note" testId="invoice-note">
            {note}
          </Notice>
        ) : null}
      </section>

      <section aria-labelledby="usage-heading">
        <SectionHeading id="usage-heading">Usage in the billed period</SectionHeading>
        {doc.usage ? (
          <UsageBreakdown usage={doc.usage} currency={doc.currency} locale={locale} now={now} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            This invoice has no billing period, so there is no usage to show.
          </p>
        )}
      </section>
    </div>
  );
}
