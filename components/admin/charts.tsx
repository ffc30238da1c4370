"use client";

import { Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { formatMoney } from "@/lib/money";

/** The admin charts: small client leaves fed with plain, serialisable points. */

const axis = { fill: "currentColor", fontSize: 12 };
const monthLabel = (m: string) =>
  new Date(`${m}-01T00:00:00Z`).toLocaleString("en-US", { month: "short", year: "2-digit", timeZone: "UTC" });
const dayLabel = (d: string) =>
  new Date(`${d}T00:00:00Z`).toLocaleString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const number = (n: number) => new Intl.NumberFormat("en-US", { notation: "compact" }).format(n);
const tooltipStyle = {
  backgroundColor: "var(--color-zinc-900)",
  border: "none",
  borderRadius: 8,
  color: "#fff",
  fontSize: 12,
};

/** Charts size themselves to this frame with CSS (recharts' `responsive`), so they never render tiny first. */
const fill = { width: "100%", height: "100%" };

function Frame({ label, children }: { label: string; children: React.ReactElement }) {
  return (
    <figure aria-label={label} className="h-56 w-full text-zinc-500 dark:text-zinc-400">
      {children}
    </figure>
  );
}

export function MrrChart({ points, currency }: { points: { month: string; cents: number }[]; currency: string }) {
  return (
    <Frame label={`MRR by month in ${currency.toUpperCase()}`}>
      <LineChart responsive style={fill} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis dataKey="month" tickFormatter={monthLabel} tick={axis} stroke="currentColor" strokeOpacity={0.3} />
        <YAxis
          tickFormatter={(v: number) => formatMoney(Math.round(v), currency, "en-US", { compact: true })}
          tick={axis}
          width={72}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <Tooltip
          contentStyle={tooltipStyle}
          labelFormatter={(m) => monthLabel(String(m))}
          formatter={(v) => [formatMoney(Number(v), currency), "MRR"]}
        />
        <Line type="linear" dataKey="cents" stroke="#4f46e5" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
      </LineChart>
    </Frame>
  );
}

export function SignupsChart({ points }: { points: { month: string; signups: number }[] }) {
  return (
    <Frame label="New organizations by month">
      <BarChart responsive style={fill} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis dataKey="month" tickFormatter={monthLabel} tick={axis} stroke="currentColor" strokeOpacity={0.3} />
        <YAxis
          allowDecimals={false}
          tickFormatter={number}
          tick={axis}
          width={40}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <Tooltip
          contentStyle={tooltipStyle}
          labelFormatter={(m) => monthLabel(String(m))}
          formatter={(v) => [String(v), "Signups"]}
        />
        <Bar dataKey="signups" fill="#0d9488" radius={[3, 3, 0, 0]} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}

/** Executions used so far this period against the limit (a dashed line), day by day. */
export function ExecutionsChart({
  points,
  limit,
}: {
  points: { day: string; cumulative: number }[];
  limit: number | null;
}) {
  const top = Math.max(limit ?? 0, ...points.map((p) => p.cumulative));
  return (
    <Frame label="Executions used this period against the limit">
      <LineChart responsive style={fill} data={points} margin={{ top: 12, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis
          dataKey="day"
          tickFormatter={dayLabel}
          tick={axis}
          minTickGap={24}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <YAxis
          domain={[0, Math.ceil(top * 1.05) || 1]}
          tickFormatter={number}
          tick={axis}
          width={48}
          stroke="currentColor"
          strokeOpacity={0.3}
        />
        <Tooltip
          contentStyle={tooltipStyle}
          labelFormatter={(d) => dayLabel(String(d))}
          formatter={(v) => [Number(v).toLocaleString("en-US"), "Executions"]}
        />
        {limit !== null ? (
          <ReferenceLine
            y={limit}
            stroke="#dc2626"
            strokeDasharray="6 4"
            label={{ value: `Limit ${number(limit)}`, position: "insideTopRight", fill: "#dc2626", fontSize: 12 }}
          />
        ) : null}
        <Line
          type="monotone"
          dataKey="cumulative"
          stroke="#4f46e5"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </Frame>
  );
}
