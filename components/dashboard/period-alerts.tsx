import { formatDate } from "@/lib/format";
import { alertText } from "./format";

export type AlertItem = { id: string; metric: string; thresholdPercent: number; used: number; limit: number; at: Date };

/** The usage alerts recorded this period (80% and 100% of a limit), newest first. */
export function PeriodAlerts({ alerts, locale }: { alerts: AlertItem[]; locale: string }) {
  return (
    <section
      aria-labelledby="alerts-heading"
      className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <h2 id="alerts-heading" className="text-lg font-semibold">
        Alerts this period
      </h2>
      {alerts.length === 0 ? (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          No alerts so far. We alert owners when a metric reaches 80% and 100% of its limit.
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="alerts">
          {[...alerts].reverse().map((a) => {
            const t = alertText(a, locale);
            return (
              <li key={a.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2">
                <span>
                  <span
                    className={`mr-2 inline-block rounded px-1.5 py-0.5 text-xs font-semibold ${
                      a.thresholdPercent >= 100 || t.over
                        ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300"
                        : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300"
                    }`}
                  >
                    {t.badge}
                  </span>
                  {t.text}
                </span>
                <time dateTime={a.at.toISOString()} className="text-xs text-zinc-500 dark:text-zinc-400">
                  {formatDate(a.at, locale)}
                </time>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
