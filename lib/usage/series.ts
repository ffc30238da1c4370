import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/types";
import { utcDay, type Period } from "@/lib/plans";
import { loadPlanContext } from "./plan-context";
import { usagePeriodFor } from "./periods";
import { INGEST_METRICS, isCounter, type IngestMetric } from "./validate";
import { dateRangeSchema } from "@/lib/input";

/** Daily series and period-over-period figures for charts and the API (read from the roll-ups). */

export const MAX_SERIES_DAYS = 400;

/** Query of GET /api/v1/usage: an inclusive range of UTC days (the one date-range schema); defaults to the current usage period. */
export const usageQuerySchema = dateRangeSchema({ maxDays: 366 });

export type DailyPoint = { day: string } & Record<IngestMetric, number>;

const DAY_MS = 86_400_000;

export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`) && out.length <= MAX_SERIES_DAYS;
    t += DAY_MS
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * One point per UTC day in [from, to]: executions summed per day; gauges at the day's maximum,
 * and on days without a report the last value reported before (a gauge holds its value).
 */
export async function getDailySeries(
  db: Queryable,
  organizationId: string,
  range: { from: string; to: string },
): Promise<DailyPoint[]> {
  const days = dayRange(range.from, range.to);
  if (days.length > MAX_SERIES_DAYS) throw new RangeError(`at most ${MAX_SERIES_DAYS} days per series`);
  const org = sql`${organizationId}::uuid`;
  const [rows, before] = await Promise.all([
    db.execute(sql`
      select metric::text as metric, day::text as day, value, last_value from usage_daily
      where organization_id = ${org} and day >= ${range.from}::date and day <= ${range.to}::date
      order by day`),
    db.execute(sql`
      select m.metric::text as metric,
        (select d.last_value from usage_daily d where d.organization_id = ${org} and d.metric = m.metric and d.day < ${range.from}::date
         order by d.day desc limit 1) as last_value
      from unnest(array['agents', 'gateways', 'storage_bytes']::usage_metric[]) as m(metric)`),
  ]);
  const byDay = new Map<string, { metric: string; value: number; last: number | null }[]>();
  for (const r of rowsOf<{ metric: string; day: string; value: number | string; last_value: number | string | null }>(
    rows,
  )) {
    const list = byDay.get(r.day) ?? [];
    list.push({ metric: r.metric, value: Number(r.value), last: r.last_value === null ? null : Number(r.last_value) });
    byDay.set(r.day, list);
  }
  const carried = new Map<string, number>();
  for (const r of rowsOf<{ metric: string; last_value: number | string | null }>(before)) {
    if (r.last_value !== null) carried.set(r.metric, Number(r.last_value));
  }
  return days.map((day) => {
    const point = { day, executions: 0, agents: 0, gateways: 0, storage_bytes: 0 } as DailyPoint;
    const seen = new Set<string>();
    for (const r of byDay.get(day) ?? []) {
      point[r.metric as IngestMetric] = r.value;
      seen.add(r.metric);
      if (r.last !== null) carried.set(r.metric, r.last);
    }
    for (const m of INGEST_METRICS) if (!isCounter(m) && !seen.has(m)) point[m] = carried.get(m) ?? 0;
    return point;
  });
}

export type PeriodComparison = {
  current: Period;
  previous: Period;
  metrics: {
    metric: IngestMetric;
    /** Executions: the sum so far. Gauges: the period's maximum. */
    current: number;
    previous: number;
    /** Executions in the previous period up to the same number of whole days as this one so far. */
    previousToDate: number | null;
    /** Change of `current` against `previousToDate` (executions) or `previous` (gauges), whole percent; null when there is nothing to compare. */
    changePercent: number | null;
  }[];
};

/** This usage period against the one before, per metric. */
export async function getPeriodComparison(
  db: Queryable,
  organizationId: string,
  now = new Date(),
): Promise<PeriodComparison> {
  const ctx = await loadPlanContext(db, organizationId, now);
  const current = ctx.usagePeriod;
  const previous = usagePeriodFor(ctx.periodSource, new Date(current.start.getTime() - 1));
  const elapsedDays = Math.max(1, Math.ceil((now.getTime() - current.start.getTime()) / DAY_MS));
  const prevCut = utcDay(new Date(Math.min(previous.start.getTime() + elapsedDays * DAY_MS, previous.end.getTime())));
  const org = sql`${organizationId}::uuid`;
  const result = await db.execute(sql`
    select m.metric::text as metric,
      (select value from usage_counters c where c.organization_id = ${org} and c.metric = m.metric and c.period_start = ${current.start.toISOString()}::timestamptz) as cur,
      (select value from usage_counters c where c.organization_id = ${org} and c.metric = m.metric and c.period_start = ${previous.start.toISOString()}::timestamptz) as prev,
      (select sum(value) from usage_daily d where d.organization_id = ${org} and d.metric = m.metric
        and d.day >= ${utcDay(previous.start)}::date and d.day < ${prevCut}::date) as prev_to_date
    from unnest(enum_range(null::usage_metric)) as m(metric)`);
  const metrics = rowsOf<{ metric: IngestMetric; cur: unknown; prev: unknown; prev_to_date: unknown }>(result).map(
    (r) => {
      const cur = Number(r.cur ?? 0);
      const prev = Number(r.prev ?? 0);
      const toDate = isCounter(r.metric) ? Number(r.prev_to_date ?? 0) : null;
      const base = toDate ?? prev;
      return {
        metric: r.metric,
        current: cur,
        previous: prev,
        previousToDate: toDate,
        changePercent: base > 0 ? Math.round(((cur - base) * 100) / base) : null,
      };
    },
  );
  return { current, previous, metrics };
}
