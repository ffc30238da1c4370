import { CHART_COLORS } from "@/components/charts/colors";
import { dateTimeFormat, formatNumber, numberFormat } from "@/lib/format";
import type { PeriodChartPoint } from "@/lib/usage";

/**
 * Executions this period as an SVG drawn on the server: the running total (area), the projection
 * to period end (dashed) and the limit (dashed), with value and day labels. It sits at the top of
 * the dashboard, so it needs no JavaScript: drawing it with the charting library after hydration
 * kept the main thread busy for a few hundred milliseconds on every visit. The plot stretches to
 * its box (lines keep their width); labels are HTML placed in percent of the plot, so they stay
 * sharp and readable at any width. Exact figures are in the table beside it; each day has a tooltip.
 */

/** Space around the plot for labels, in CSS pixels (as the other charts: y labels left, days below). */
const INSET = { left: 52, right: 12, top: 16, bottom: 24 } as const;
const W = 1000;
const H = 1000;

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about four intervals up to `max`. */
function niceStep(max: number): number {
  const raw = Math.max(1, max / 4);
  const exp = 10 ** Math.floor(Math.log10(raw));
  const f = raw / exp;
  return Math.max(1, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * exp);
}

/** Where a fraction of the plot's width or height falls inside the box, as CSS. */
const across = (f: number) => `calc(${INSET.left}px + (100% - ${INSET.left + INSET.right}px) * ${f.toFixed(4)})`;
const down = (f: number) => `calc(${INSET.top}px + (100% - ${INSET.top + INSET.bottom}px) * ${f.toFixed(4)})`;

export function PeriodSvgChart({
  points,
  limit,
  locale,
}: {
  points: PeriodChartPoint[];
  limit: number | null;
  locale: string;
}) {
  const n = points.length;
  const max = Math.max(1, limit ?? 0, ...points.map((p) => Math.max(p.cumulative ?? 0, p.projected ?? 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const x = (i: number) => (n <= 1 ? W / 2 : (i * W) / (n - 1));
  const y = (v: number) => H - (v * H) / top;
  const compact = numberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  const day = dateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" });
  const dayOf = (d: string) => day.format(new Date(`${d}T00:00:00Z`));

  const used = points.flatMap((p, i) => (p.cumulative === null ? [] : [[x(i), y(p.cumulative)] as const]));
  const projected = points.flatMap((p, i) => (p.projected === null ? [] : [[x(i), y(p.projected)] as const]));
  const line = (pts: readonly (readonly [number, number])[]) =>
    pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
  const area =
    used.length > 0
      ? `M${used[0]![0].toFixed(1)},${H} L${line(used).replaceAll(" ", " L")} L${used.at(-1)![0].toFixed(1)},${H} Z`
      : null;
  // About eight day labels on a wide screen, every other one on a phone.
  const every = Math.max(1, Math.ceil(n / 8));
  const labelled = points.map((p, i) => ({ p, i })).filter(({ i }) => i % every === 0);
  const stroke = { vectorEffect: "non-scaling-stroke", fill: "none" } as const;

  return (
    <div className="relative h-60 w-full text-xs text-zinc-500 dark:text-zinc-400" data-testid="period-chart">
      <svg
        aria-hidden="true"
        className="absolute overflow-visible"
        style={{
          left: INSET.left,
          top: INSET.top,
          width: `calc(100% - ${INSET.left + INSET.right}px)`,
          height: `calc(100% - ${INSET.top + INSET.bottom}px)`,
        }}
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
      >
        {ticks.map((t) => (
          <line
            key={t}
            x1={0}
            x2={W}
            y1={y(t)}
            y2={y(t)}
            stroke="currentColor"
            strokeOpacity={t === 0 ? 0.3 : 0.15}
            strokeWidth={1}
            {...stroke}
          />
        ))}
        {area ? <path d={area} fill={CHART_COLORS.used} fillOpacity={0.15} stroke="none" /> : null}
        {used.length > 0 ? (
          <polyline points={line(used)} stroke={CHART_COLORS.used} strokeWidth={2} strokeLinejoin="round" {...stroke} />
        ) : null}
        {projected.length > 1 ? (
          <polyline
            points={line(projected)}
            stroke={CHART_COLORS.projection}
            strokeWidth={2}
            strokeDasharray="4 4"
            {...stroke}
          />
        ) : null}
        {limit !== null ? (
          <line
            x1={0}
            x2={W}
            y1={y(limit)}
            y2={y(limit)}
            stroke={CHART_COLORS.limit}
            strokeWidth={1.5}
            strokeDasharray="6 4"
            {...stroke}
          />
        ) : null}
        {points.map((p, i) => (
          <rect
            key={p.day}
            x={x(i) - W / Math.max(1, n - 1) / 2}
            width={W / Math.max(1, n - 1)}
            y={0}
            height={H}
            fill="transparent"
          >
            <title>
              {p.cumulative !== null
                ? `${dayOf(p.day)}: ${formatNumber(p.used ?? 0, locale)} executions, ${formatNumber(p.cumulative, locale)} so far`
                : p.projected !== null
                  ? `${dayOf(p.day)}: about ${formatNumber(p.projected, locale)} projected`
                  : dayOf(p.day)}
            </title>
          </rect>
        ))}
      </svg>
      {ticks.map((t) => (
        <span
          key={t}
          aria-hidden="true"
          className="absolute -translate-y-1/2 pr-2 text-right tabular-nums"
          style={{ top: down(1 - t / top), left: 0, width: INSET.left }}
        >
          {compact.format(t)}
        </span>
      ))}
      {labelled.map(({ p, i }, k) => (
        <span
          key={p.day}
          aria-hidden="true"
          className={`absolute -translate-x-1/2 whitespace-nowrap ${k % 2 === 1 ? "max-sm:hidden" : ""}`}
          style={{ left: across(n <= 1 ? 0.5 : i / (n - 1)), top: `calc(100% - ${INSET.bottom - 6}px)` }}
        >
          {dayOf(p.day)}
        </span>
      ))}
      {limit !== null ? (
        <span
          aria-hidden="true"
          className="absolute pl-1.5 font-medium text-red-700 dark:text-red-400"
          style={{ left: INSET.left, top: `calc(${down(1 - limit / top)} + 2px)` }}
        >
          Limit {compact.format(limit)}
        </span>
      ) : null}
    </div>
  );
}
