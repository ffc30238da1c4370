import { formatDateRange } from "@/lib/format";
import { amountRemainingCents } from "@/lib/invoices/amounts";
import { formatMoney } from "@/lib/money";

type Line = {
  id: string;
  description: string;
  quantity: number;
  unitAmountCents: number | null;
  amountCents: number;
  periodStart: Date | null;
  periodEnd: Date | null;
  proration: boolean;
};
type Totals = {
  status: string;
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  amountPaidCents: number;
  amountDueCents: number;
};

/** The invoice's lines (with their periods and prorations) and its totals. */
export function InvoiceLines({ lines, totals, locale }: { lines: Line[]; totals: Totals; locale: string }) {
  const m = (n: number) => formatMoney(n, totals.currency, locale);
  const total = (label: string, amount: number, strong = false) => (
    <tr>
      <th
        scope="row"
        colSpan={3}
        className={`hidden px-4 py-1.5 text-right sm:table-cell ${strong ? "font-semibold" : "font-normal text-zinc-600 dark:text-zinc-400"}`}
      >
        {label}
      </th>
      <th
        scope="row"
        className={`px-4 py-1.5 text-left sm:hidden ${strong ? "font-semibold" : "font-normal text-zinc-600 dark:text-zinc-400"}`}
      >
        {label}
      </th>
      <td className={`tabular px-4 py-1.5 text-right whitespace-nowrap ${strong ? "font-semibold" : ""}`}>
        {m(amount)}
      </td>
    </tr>
  );
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
                    {l.periodStart && l.periodEnd ? formatDateRange(l.periodStart, l.periodEnd, locale) : null}
                    {l.proration ? " · prorated" : null}
                    <span className="sm:hidden">{l.quantity !== 1 ? ` · quantity ${l.quantity}` : null}</span>
                  </span>
                </td>
                <td className="tabular hidden px-4 py-3 text-right sm:table-cell">{l.quantity}</td>
                <td className="tabular hidden px-4 py-3 text-right whitespace-nowrap sm:table-cell">
                  {l.unitAmountCents === null ? "—" : m(l.unitAmountCents)}
                </td>
                <td
                  className={`tabular px-4 py-3 text-right whitespace-nowrap ${l.amountCents < 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                >
                  {m(l.amountCents)}
                </td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot className="border-t border-zinc-200 dark:border-zinc-800">
          {total("Subtotal", totals.subtotalCents)}
          {totals.taxCents !== 0 ? total("Tax", totals.taxCents) : null}
          {total("Total", totals.totalCents, true)}
          {total("Amount paid", totals.amountPaidCents)}
          {total("Amount due", amountRemainingCents(totals), true)}
        </tfoot>
      </table>
    </div>
  );
}
