import { UsageBar } from "@/components/ui/usage-bar";
import type { Metric } from "@/lib/plans/limits";
import type { Change } from "@/lib/usage/projection";
import { formatMetric, METRIC_NAME } from "./format";

export type UsageCardData = {
  metric: Metric;
  used: number;
  /** Gauges: the period's peak (what the period is billed on). */
  peak: number;
  limit: number | null;
  percent: number | null;
  change: Change | null;
  /** Executions held by running agents' reservations (counted by limit checks, not yet used). */
  reserved?: number;
};

const HINT: Record<Metric, string> = {
  users: "Members of the organization",
  agents: "Agents now",
  executions: "Runs this usage period",
  storage_bytes: "Stored now",
  gateways: "Gateways now",
};

/** One card per metric: used of limit, a meter (amber from 80%, red at 100%, said in words too) and the trend. */
export function UsageCards({ metrics, locale }: { metrics: UsageCardData[]; locale: string }) {
  return (
    <section aria-labelledby="usage-heading">
      <h2 id="usage-heading" className="mb-3 text-lg font-semibold">
        Usage this period
      </h2>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
        {metrics.map((m) => (
          <li key={m.metric} className="flex">
            <UsageCard m={m} locale={locale} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function UsageCard({ m, locale }: { m: UsageCardData; locale: string }) {
  const name = METRIC_NAME[m.metric];
  const showPeak = m.metric !== "users" && m.metric !== "executions" && m.peak > m.used;
  return (
    <article
      aria-labelledby={`card-${m.metric}`}
      className="flex w-full flex-col rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <h3 id={`card-${m.metric}`} className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
        {name}
      </h3>
      <p className="tabular mt-1 text-xl font-semibold" data-testid={`usage-${m.metric}`}>
        {formatMetric(m.used, m.metric, locale)}
        <span className="text-sm font-normal text-zinc-500 dark:text-zinc-400">
          {" "}
          / {m.limit === null ? "unlimited" : formatMetric(m.limit, m.metric, locale)}
        </span>
      </p>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{HINT[m.metric]}</p>
      {m.percent === null ? (
        <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">No limit on your plan</p>
      ) : (
        // The shared meter's caption is zinc-500, too faint on the dark card: lift it here.
        <div className="mt-3 dark:[&_p]:text-zinc-400">
          <UsageBar percent={m.percent} label={`${name}: share of the limit used`} />
        </div>
      )}
      <div className="mt-auto pt-3 text-xs text-zinc-600 dark:text-zinc-400">
        {showPeak ? <p>Peak this period: {formatMetric(m.peak, m.metric, locale)}</p> : null}
        {m.reserved ? (
          <p data-testid={`reserved-${m.metric}`}>
            {formatMetric(m.reserved, m.metric, locale)} more reserved by running agents
          </p>
        ) : null}
        {m.change ? <ChangeLine change={m.change} testId={`change-${m.metric}`} /> : null}
      </div>
    </article>
  );
}

const ARROW: Record<Change["direction"], string> = { up: "▲", down: "▼", flat: "▶", new: "●", none: "–" };

/** The trend said in words; the arrow only repeats it. */
export function ChangeLine({ change, testId }: { change: Change; testId?: string }) {
  return (
    <p data-testid={testId} className="tabular">
      <span aria-hidden="true" className="mr-1 text-[0.65rem]">
        {ARROW[change.direction]}
      </span>
      {change.text}
    </p>
  );
}
