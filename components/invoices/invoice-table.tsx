import type { InvoiceStatus } from "@/lib/invoices";
import Link from "next/link";
import { formatDate } from "@/lib/format";
import { listAmountText, periodText } from "@/lib/invoices";
import { InvoiceStatusBadge } from "./invoice-status-badge";

export type InvoiceRow = {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  totalCents: number;
  periodStart: Date | null;
  periodEnd: Date | null;
  issuedAt: Date;
  dueDate: Date | null;
  hostedInvoiceUrl: string | null;
};

const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

/** The invoice history: number, date, period, amount, status, and the PDF / hosted page. Period and date fold away on a phone. */
export function InvoiceTable({
  invoices,
  detailHref,
  locale,
  now,
}: {
  invoices: InvoiceRow[];
  detailHref: (id: string) => string;
  locale: string;
  now: Date;
}) {
  return (
    <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Invoices, newest first</caption>
        <thead className="bg-zinc-50 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-950/60 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-4 py-2.5">
              Invoice
            </th>
            <th scope="col" className="hidden px-4 py-2.5 sm:table-cell">
              Date
            </th>
            <th scope="col" className="hidden px-4 py-2.5 md:table-cell">
              Period
            </th>
            <th scope="col" className="px-4 py-2.5 text-right">
              Amount
            </th>
            <th scope="col" className="px-4 py-2.5">
              Status
            </th>
            <th scope="col" className="px-4 py-2.5 text-right">
              <span className="sr-only">Downloads</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {invoices.map((inv) => (
            <tr key={inv.id} data-testid="invoice-row">
              <td className="px-4 py-3">
                <Link href={detailHref(inv.id)} className={linkClass}>
                  {inv.number ?? "Draft invoice"}
                </Link>
                <span className="block text-xs text-zinc-600 sm:hidden dark:text-zinc-400">
                  {formatDate(inv.issuedAt, locale)}
                </span>
              </td>
              <td className="hidden px-4 py-3 whitespace-nowrap sm:table-cell">{formatDate(inv.issuedAt, locale)}</td>
              <td className="hidden px-4 py-3 whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
                {periodText(inv.periodStart, inv.periodEnd, locale)}
              </td>
              <td
                className={`tabular px-4 py-3 text-right font-medium whitespace-nowrap ${inv.totalCents < 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                data-testid="invoice-amount"
              >
                {listAmountText(inv, locale)}
              </td>
              <td className="px-4 py-3">
                <InvoiceStatusBadge status={inv.status} dueDate={inv.dueDate} now={now} totalCents={inv.totalCents} />
              </td>
              <td className="px-4 py-3 text-right whitespace-nowrap">
                <a
                  href={`/api/invoices/${inv.id}/pdf`}
                  download
                  className={linkClass}
                  aria-label={`Download invoice ${inv.number ?? ""} as PDF`}
                >
                  PDF
                </a>
                {inv.hostedInvoiceUrl ? (
                  <a
                    href={inv.hostedInvoiceUrl}
                    target="_blank"
                    rel="noreferrer"
                    className={`ml-3 hidden sm:inline ${linkClass}`}
                    aria-label={`Open invoice ${inv.number ?? ""} on Stripe (new tab)`}
                  >
                    Stripe ↗
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
