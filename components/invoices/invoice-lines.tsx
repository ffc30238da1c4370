import { formatDateRange } from "@/lib/format";
import type { DocumentLine, DocumentTotal } from "@/lib/invoices";
import { formatMoney } from "@/lib/money";

/**
 * The invoice's lines (period, prorations) and its totals, from the invoice document: a unit
 * price only where unit × quantity is the amount, credits in green, the credit balance used or
 * added as its own total.
 */
export function InvoiceLines({
  lines,
  totals,
  currency,
  locale,
}: {
  lines: DocumentLine[];
  totals: DocumentTotal[];
  currency: string;
  locale: string;
}) {
  const m = (n: number) => formatMoney(n, currency, locale);
  return (
    <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Invoice lines and totals</caption>
        <thead className="bg-zinc-50 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-950/60 dark:text-zinc-400">
          <tr>
            <th scope="col" className="px-4 py-2.5">
              Description
            </th>
            <th scope="col" className="hidden px-4 py-2.5 text-right sm:table-cell">
              Qty
            </th>
            <th scope="col" className="hidden px-4 py-2.5 text-right sm:table-cell">
              Unit price
            </th>
            <th scope="col" className="px-4 py-2.5 text-right">
              Amount
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {lines.length === 0 ? (
            <tr>
              <td colSpan={4} className="px-4 py-6 text-center text-zinc-600 dark:text-zinc-400">
                This invoice has no lines.
              </td>
            </tr>
          ) : (
            lines.map((l) => (
              <tr key={l.id} data-testid="invoice-line">
                <td className="px-4 py-3">
                  <span className="block">{l.description}</span>
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {[
                      l.periodStart && l.periodEnd ? formatDateRange(l.periodStart, l.periodEnd, locale) : null,
                      l.proration ? "prorated" : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                    <span className="sm:hidden">
                      {l.quantity !== 1
                        ? l.unitCents === null
                          ? ` · quantity ${l.quantity}`
                          : ` · ${l.quantity} × ${m(l.unitCents)}`
                        : null}
                    </span>
                  </span>
                </td>
                <td className="tabular hidden px-4 py-3 text-right sm:table-cell">{l.quantity}</td>
                <td
                  className="tabular hidden px-4 py-3 text-right whitespace-nowrap sm:table-cell"
                  data-testid="invoice-line-unit"
                >
                  {l.unitCents === null ? (
                    <span title="Prorated: the amount is for part of the period">—</span>
                  ) : (
                    m(l.unitCents)
                  )}
                </td>
                <td
                  className={`tabular px-4 py-3 text-right whitespace-nowrap ${l.amountCents < 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                  data-testid="invoice-line-amount"
                >
                  {m(l.amountCents)}
                </td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot className="border-t border-zinc-200 dark:border-zinc-800">
          {totals.map((t) => (
            <tr key={t.key} data-testid={`invoice-total-${t.key}`}>
              <th
                scope="row"
                colSpan={3}
                className={`hidden px-4 py-1.5 text-right sm:table-cell ${t.strong ? "font-semibold" : "font-normal text-zinc-600 dark:text-zinc-400"}`}
              >
                {t.label}
              </th>
              <th
                scope="row"
                className={`px-4 py-1.5 text-left sm:hidden ${t.strong ? "font-semibold" : "font-normal text-zinc-600 dark:text-zinc-400"}`}
              >
                {t.label}
              </th>
              <td
                className={`tabular px-4 py-1.5 text-right whitespace-nowrap ${t.strong ? "font-semibold" : ""} ${t.key === "credited" || t.key === "credit_used" ? "text-emerald-700 dark:text-emerald-400" : ""}`}
              >
                {m(t.cents)}
              </td>
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}
