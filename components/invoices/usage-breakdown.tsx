import { formatDateRange } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { fmt, METRIC_LABEL, METRICS, percentUsed, type Metric } from "@/lib/plans/limits";

type Breakdown = {
  periodStart: Date;
  periodEnd: Date;
  source: "period record" | "live counters";
  rows: { metric: string; used: number; limit: number | null }[];
  overage: { metric: string; quantity: number; unitCents: number; amountCents: number }[];
};

const isMetric = (m: string): m is Metric => (METRICS as readonly string[]).includes(m);
const label = (m: string) => (isMetric(m) ? METRIC_LABEL[m] : m);
const PER: Record<string, string> = { executions: " per 1,000", storage_bytes: " per GB" };
const value = (m: string, n: number) => (isMetric(m) ? fmt(n, m) : n.toLocaleString("en-US"));

/** The usage behind an invoice's period, against the limits then in force, and any overage billed. */
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
  // Limits are recorded with the period when it closes; live counters carry none.
  const withLimits = usage.source === "period record";
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Usage period {formatDateRange(usage.periodStart, usage.periodEnd, locale)} ·{" "}
        {withLimits
          ? "from the closed period’s record"
          : usage.periodEnd.getTime() > now.getTime()
            ? "live counters: the period is still open, and its limits are recorded when it closes"
            : "from the usage counters: the period has ended, and its final record with the limits that applied is not written yet"}
      </p>
      <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
        <table className="w-full text-sm" data-testid="usage-breakdown">
          <caption className="sr-only">Usage for the invoice’s period</caption>
          <thead className="bg-zinc-50 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-950/60 dark:text-zinc-400">
            <tr>
              <th scope="col" className="px-4 py-2.5">
                Metric
              </th>
              <th scope="col" className="px-4 py-2.5 text-right">
                Used
              </th>
              {withLimits ? (
                <>
                  <th scope="col" className="px-4 py-2.5 text-right">
                    Limit
                  </th>
                  <th scope="col" className="hidden px-4 py-2.5 text-right sm:table-cell">
                    Share
                  </th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {usage.rows.map((r) => {
              const pct = percentUsed(r.used, r.limit);
              return (
                <tr key={r.metric}>
                  <th scope="row" className="px-4 py-2.5 text-left font-normal">
                    {label(r.metric)}
                  </th>
                  <td className="tabular px-4 py-2.5 text-right">{value(r.metric, r.used)}</td>
                  {withLimits ? (
                    <>
                      <td className="tabular px-4 py-2.5 text-right text-zinc-600 dark:text-zinc-400">
                        {r.limit === null ? "Unlimited" : value(r.metric, r.limit)}
                      </td>
                      <td
                        className={`tabular hidden px-4 py-2.5 text-right sm:table-cell ${pct !== null && pct >= 100 ? "font-medium text-red-700 dark:text-red-400" : ""}`}
                      >
                        {pct === null ? "—" : `${pct}%`}
                      </td>
                    </>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {usage.overage.length > 0 ? (
        <ul className="space-y-1 text-sm">
          {usage.overage.map((o) => (
            <li key={o.metric} className="flex justify-between gap-3">
              <span>
                Overage: {value(o.metric, o.quantity)} {label(o.metric).toLowerCase()} at{" "}
                {formatMoney(o.unitCents, currency, locale)}
                {PER[o.metric] ?? " each"}
              </span>
              <span className="tabular font-medium">{formatMoney(o.amountCents, currency, locale)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No overage in this period.</p>
      )}
    </div>
  );
}
