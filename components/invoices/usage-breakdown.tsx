import { formatMoney } from "@/lib/money";
import { type UsageBreakdown as Breakdown, overageText, usagePeriodCaption } from "@/lib/invoices";
import { fmt, METRIC_LABEL, percentUsed } from "@/lib/plans";

/** The usage of the billed period: each usage period against the limits in force in it, and any overage. */
export function UsageBreakdown({
  usage,
  currency,
  locale,
  now,
}: {
  usage: Breakdown;
  currency: string;
  locale: string;
  now: Date;
}) {
  if (usage.periods.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No usage was recorded in the period this invoice bills.
      </p>
    );
  }
  return (
    <div className="space-y-5">
      {[...usage.periods].reverse().map((p) => (
        <div key={p.periodStart.toISOString()} className="space-y-2" data-testid="usage-period">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{usagePeriodCaption(p, now, locale)}</p>
          <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
            <table className="w-full text-sm" data-testid="usage-breakdown">
              <caption className="sr-only">Usage against the limits in force</caption>
              <thead className="bg-zinc-50 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-950/60 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="px-4 py-2.5">
                    Metric
                  </th>
                  <th scope="col" className="px-4 py-2.5 text-right">
                    Used
                  </th>
                  <th scope="col" className="px-4 py-2.5 text-right">
                    Limit
                  </th>
                  <th scope="col" className="hidden px-4 py-2.5 text-right sm:table-cell">
                    Share
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {p.rows.map((r) => {
                  const pct = p.limitsKnown ? percentUsed(r.used, r.limit) : null;
                  return (
                    <tr key={r.metric} data-testid={`usage-row-${r.metric}`}>
                      <th scope="row" className="px-4 py-2.5 text-left font-normal">
                        {METRIC_LABEL[r.metric]}
                      </th>
                      <td className="tabular px-4 py-2.5 text-right">{fmt(r.used, r.metric)}</td>
                      <td className="tabular px-4 py-2.5 text-right text-zinc-600 dark:text-zinc-400">
                        {!p.limitsKnown ? "Not recorded" : r.limit === null ? "Unlimited" : fmt(r.limit, r.metric)}
                      </td>
                      <td
                        className={`tabular hidden px-4 py-2.5 text-right sm:table-cell ${pct !== null && pct >= 100 ? "font-medium text-red-700 dark:text-red-400" : ""}`}
                      >
                        {pct === null ? "—" : `${pct}%`}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {p.overage.length > 0 ? (
            <ul className="space-y-1 text-sm">
              {p.overage.map((o) => (
                <li key={o.metric} className="flex justify-between gap-3">
                  <span>{overageText(o, currency, locale)}</span>
                  <span className="tabular font-medium">{formatMoney(o.amountCents, currency, locale)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No overage in this period.</p>
          )}
        </div>
      ))}
    </div>
  );
}
