import { CHART_COLORS } from "@/components/charts/colors";
import { DailyBarsChart, GaugeChart } from "@/components/charts/lazy-charts";
import { buttonClass } from "@/components/ui/button";
import { formatDate, formatNumber } from "@/lib/format";
import { formatBytes } from "@/lib/plans";
import { summarize, type DailyPoint } from "@/lib/usage";
import { DataTable } from "./data-table";
import { Legend } from "./legend";
import { RangeSwitch } from "./range-switch";

type GaugeKey = "agents" | "gateways" | "storage_bytes";

export type UsageHistoryProps = {
  days: number;
  options: readonly number[];
  /** The page URL for another range (`?days=90`). */
  rangeHref: (days: number) => string;
  exportHref: string;
  points: DailyPoint[];
  limits: Record<GaugeKey, number | null>;
  locale: string;
};

const GAUGES: { key: GaugeKey; name: string; unit: "count" | "bytes" }[] = [
  { key: "agents", name: "Agents", unit: "count" },
  { key: "storage_bytes", name: "Storage", unit: "bytes" },
  { key: "gateways", name: "Gateways", unit: "count" },
];

/** Daily history over 30, 90 or 365 days: executions per day and the gauges, each with a text summary; one table; CSV. */
export function UsageHistory({ days, options, rangeHref, exportHref, points, limits, locale }: UsageHistoryProps) {
  const n = (v: number) => formatNumber(v, locale);
  const d = (day: string) => formatDate(day, locale);
  const value = (v: number, unit: "count" | "bytes") => (unit === "bytes" ? formatBytes(v) : n(v));
  const exec = summarize(points.map((p) => ({ day: p.day, value: p.executions })));
  const execSummary = `Last ${days} days: ${n(exec.total)} executions, about ${n(exec.average)} a day${
    exec.max ? `; the busiest day was ${d(exec.max.day)} with ${n(exec.max.value)}` : ""
  }.`;
  return (
    <section
      aria-labelledby="history-heading"
      className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="history-heading" className="text-lg font-semibold">
            Usage history
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {d(points[0]?.day ?? "")} – {d(points.at(-1)?.day ?? "")}, one point per day (UTC)
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <RangeSwitch options={options} current={days} hrefFor={rangeHref} />
          <a
            href={exportHref}
            download
            className={buttonClass({ variant: "secondary", size: "sm" })}
            data-testid="export-csv"
          >
            Export CSV
          </a>
        </div>
      </div>

      <figure className="mt-5" aria-labelledby="history-exec-caption">
        <h3 id="history-exec-caption" className="text-sm font-semibold">
          Executions per day
        </h3>
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="history-summary">
          {execSummary}
        </p>
        <div className="mt-2">
          <DailyBarsChart
            points={points.map((p) => ({ day: p.day, value: p.executions }))}
            locale={locale}
            name="Executions"
          />
        </div>
      </figure>

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        {GAUGES.map((g) => {
          const s = summarize(points.map((p) => ({ day: p.day, value: p[g.key] })));
          const limit = limits[g.key];
          const text = `${value(s.last, g.unit)} now (${value(s.first, g.unit)} on ${d(points[0]?.day ?? "")})${
            s.max ? `; peak ${value(s.max.value, g.unit)} on ${d(s.max.day)}` : ""
          }. ${limit === null ? "No limit on your plan." : `Limit ${value(limit, g.unit)}.`}`;
          return (
            <figure key={g.key} aria-labelledby={`history-${g.key}-caption`}>
              <h3 id={`history-${g.key}-caption`} className="text-sm font-semibold">
                {g.name} over time
              </h3>
              <p className="min-h-10 text-sm text-zinc-600 dark:text-zinc-400">{text}</p>
              <div className="mt-2">
                <GaugeChart
                  points={points.map((p) => ({ day: p.day, value: p[g.key] }))}
                  limit={limit}
                  unit={g.unit}
                  locale={locale}
                  name={g.name}
                />
              </div>
            </figure>
          );
        })}
      </div>
      <Legend
        items={[
          { label: "Executions per day (bars)", color: CHART_COLORS.bars },
          { label: "Daily peak of agents, storage, gateways", color: CHART_COLORS.gauge },
          { label: "Limit", color: CHART_COLORS.limit, dashed: true },
        ]}
      />

      <DataTable
        testId="history-table"
        summary={`Show the last ${days} days as a table`}
        caption={`Daily usage, last ${days} days`}
        columns={[
          { label: "Day" },
          { label: "Executions", numeric: true },
          { label: "Agents", numeric: true },
          { label: "Storage", numeric: true },
          { label: "Gateways", numeric: true },
        ]}
        rows={[...points].reverse().map((p) => ({
          key: p.day,
          cells: [d(p.day), n(p.executions), n(p.agents), formatBytes(p.storage_bytes), n(p.gateways)],
        }))}
      />
    </section>
  );
}
