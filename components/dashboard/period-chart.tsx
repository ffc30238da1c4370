import { CHART_COLORS } from "@/components/charts/colors";
import { formatNumber } from "@/lib/format";
import { percentUsed } from "@/lib/plans/limits";
import type { Change, PeriodChartPoint } from "@/lib/usage/projection";
import { DataTable } from "./data-table";
import { formatDayShort } from "./format";
import { Legend } from "./legend";
import { PeriodSvgChart } from "./period-svg-chart";
import { ChangeLine } from "./usage-cards";

export type PeriodChartProps = {
  points: PeriodChartPoint[];
  /** "1,234 of 100,000 executions used (1%), in day 3 of 31 of this period." (describePeriodUse) */
  summary: string;
  limit: number | null;
  /** The projection sentence, or null when forecasts are off for this organization. */
  projection: string | null;
  change: Change | null;
  locale: string;
};

/** Executions this period: running total against the limit, the projection to period end, as a chart, text and table. */
export function PeriodChart({ points, summary, limit, projection, change, locale }: PeriodChartProps) {
  const n = (v: number) => formatNumber(v, locale);
  return (
    <section
      aria-labelledby="period-chart-heading"
      className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <h2 id="period-chart-heading" className="text-lg font-semibold">
        Executions this period
      </h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Running total per day against your monthly limit</p>
      <div className="mt-3 space-y-1 text-sm">
        <p data-testid="period-summary">{summary}</p>
        {projection ? (
          <p data-testid="projection" className="font-medium">
            {projection}
          </p>
        ) : null}
        {change ? (
          <div className="text-zinc-600 dark:text-zinc-400">
            <ChangeLine change={change} testId="period-change" />
          </div>
        ) : null}
      </div>
      <figure
        className="mt-4"
        aria-label="Chart: executions used so far this period, the projection to period end and the limit"
      >
        <PeriodSvgChart points={points} limit={limit} locale={locale} />
        <figcaption>
          <Legend
            items={[
              { label: "Used so far (running total)", color: CHART_COLORS.used },
              ...(projection
                ? [{ label: "Projected at this pace", color: CHART_COLORS.projection, dashed: true }]
                : []),
              ...(limit !== null ? [{ label: "Limit", color: CHART_COLORS.limit, dashed: true }] : []),
            ]}
          />
        </figcaption>
      </figure>
      <DataTable
        testId="period-table"
        summary="Show this period as a table"
        caption="Executions per day this period, with the running total"
        columns={[
          { label: "Day" },
          { label: "Executions", numeric: true },
          { label: "Running total", numeric: true },
          ...(limit !== null ? [{ label: "Of limit", numeric: true }] : []),
        ]}
        rows={points
          .filter((p) => p.cumulative !== null)
          .map((p) => ({
            key: p.day,
            cells: [
              formatDayShort(p.day, locale),
              n(p.used ?? 0),
              n(p.cumulative ?? 0),
              ...(limit !== null ? [`${percentUsed(p.cumulative ?? 0, limit)}%`] : []),
            ],
          }))}
      />
    </section>
  );
}
