"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatBytes } from "@/lib/plans";
import { CHART_COLORS } from "./colors";

/**
 * The dashboard's history charts: the one client leaf that loads recharts. Every prop is plain
 * data; the server renders the title, the text summary and the table next to each chart.
 */

const axisTick = { fill: "currentColor", fontSize: 12 };
const tooltipStyle = { backgroundColor: "#18181b", border: "none", borderRadius: 8, color: "#fafafa", fontSize: 12 };
const tooltipLabel = { color: "#fafafa", fontWeight: 600 };

function dayFormatter(locale: string) {
  const f = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
  return (day: unknown) => f.format(new Date(`${String(day)}T00:00:00Z`));
}

function valueFormatter(locale: string, unit: "count" | "bytes", compact: boolean) {
  if (unit === "bytes") return (v: number) => formatBytes(Math.round(v));
  const f = new Intl.NumberFormat(locale, compact ? { notation: "compact", maximumFractionDigits: 1 } : {});
  return (v: number) => f.format(v);
}

function Frame({ children, height = "h-60" }: { children: React.ReactElement; height?: string }) {
  // A fixed height, so nothing moves when the chart draws after hydration.
  return (
    <div className={`${height} w-full text-zinc-500 dark:text-zinc-400`}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 640, height: 240 }}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

/** One bar per day (executions per day over the chosen range). */
export function DailyBarsChart({
  points,
  locale,
  name,
}: {
  points: { day: string; value: number }[];
  locale: string;
  name: string;
}) {
  const day = dayFormatter(locale);
  const full = valueFormatter(locale, "count", false);
  return (
    <Frame>
      <BarChart data={points} margin={{ top: 16, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis
          dataKey="day"
          tickFormatter={day}
          tick={axisTick}
          minTickGap={28}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <YAxis
          tickFormatter={valueFormatter(locale, "count", true)}
          tick={axisTick}
          width={52}
          stroke="currentColor"
          strokeOpacity={0.3}
          allowDecimals={false}
        />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabel}
          labelFormatter={day}
          formatter={(v) => [full(Number(v)), name]}
          cursor={{ fillOpacity: 0.1 }}
        />
        <Bar dataKey="value" fill={CHART_COLORS.bars} radius={[2, 2, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}

/** A gauge (agents, gateways, storage) day by day at its daily peak, with the limit when there is one. */
export function GaugeChart({
  points,
  limit,
  unit,
  locale,
  name,
}: {
  points: { day: string; value: number }[];
  limit: number | null;
  unit: "count" | "bytes";
  locale: string;
  name: string;
}) {
  const day = dayFormatter(locale);
  const short = valueFormatter(locale, unit, true);
  const full = valueFormatter(locale, unit, false);
  return (
    <Frame height="h-44">
      <LineChart data={points} margin={{ top: 16, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis
          dataKey="day"
          tickFormatter={day}
          tick={axisTick}
          minTickGap={32}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <YAxis
          domain={[0, "auto"]}
          tickFormatter={short}
          tick={axisTick}
          width={unit === "bytes" ? 64 : 44}
          stroke="currentColor"
          strokeOpacity={0.3}
          allowDecimals={unit === "bytes"}
        />
        <Tooltip
          contentStyle={tooltipStyle}
          labelStyle={tooltipLabel}
          labelFormatter={day}
          formatter={(v) => [full(Number(v)), name]}
        />
        {limit !== null ? (
          <ReferenceLine
            y={limit}
            stroke={CHART_COLORS.limit}
            strokeDasharray="6 4"
            strokeWidth={1.5}
            ifOverflow="extendDomain"
            label={{
              value: `Limit ${short(limit)}`,
              position: "insideTopLeft",
              fill: CHART_COLORS.limit,
              fontSize: 12,
            }}
          />
        ) : null}
        <Line
          type="stepAfter"
          dataKey="value"
          stroke={CHART_COLORS.gauge}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </Frame>
  );
}
