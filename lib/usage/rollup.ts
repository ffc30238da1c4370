import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/types";
import { rowsOf } from "@/db/types";
import type { Period } from "@/lib/plans/period";

/**
 * Derived tables recomputed from the raw events. Each function writes only rows that differ
 * from the truth and reports how many it repaired, so running it twice changes nothing.
 */

export type DailyRepair = { upserted: number; deleted: number };
/** With the rows of truth checked and the drift repaired: the sum of |stored − true| day values. */
export type DailyRepairDetail = DailyRepair & { checked: number; drift: number };

/** Rebuild usage_daily for whole UTC days in [from, to), for one organization or all. */
export async function rebuildDaily(
  db: Queryable,
  window: { from: Date; to: Date; organizationId?: string },
): Promise<DailyRepair> {
  const { upserted, deleted } = await rebuildDailyDetailed(db, window);
  return { upserted, deleted };
}

export async function rebuildDailyDetailed(
  db: Queryable,
  window: { from: Date; to: Date; organizationId?: string },
): Promise<DailyRepairDetail> {
  const from = startOfUtcDay(window.from);
  const to = startOfUtcDay(new Date(window.to.getTime() + 86_399_999));
  const orgFilter = window.organizationId ? sql`and organization_id = ${window.organizationId}` : sql``;
  const orgFilterD = window.organizationId ? sql`and d.organization_id = ${window.organizationId}` : sql``;
  const result = await db.execute(sql`
    with truth as (
      select organization_id, metric, (occurred_at at time zone 'UTC')::date as day,
        case when metric = 'executions' then sum(quantity) else max(quantity) end as value,
        case when metric = 'executions' then null
             else (array_agg(quantity order by occurred_at desc, id desc))[1] end as last_value,
        case when metric = 'executions' then null else max(occurred_at) end as last_at,
        count(*)::int as event_count
      from usage_events
      where occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz ${orgFilter}
      group by 1, 2, 3
    ), old as (
      select organization_id, metric, day, value from usage_daily
      where day >= ${from.toISOString().slice(0, 10)}::date and day < ${to.toISOString().slice(0, 10)}::date ${orgFilter}
    ), upserted as (
      insert into usage_daily (organization_id, metric, day, value, last_value, last_at, event_count)
      select organization_id, metric, day, value, last_value, last_at, event_count from truth
      on conflict (organization_id, metric, day) do update set
        value = excluded.value, last_value = excluded.last_value, last_at = excluded.last_at, event_count = excluded.event_count
      where (usage_daily.value, usage_daily.last_value, usage_daily.last_at, usage_daily.event_count)
        is distinct from (excluded.value, excluded.last_value, excluded.last_at, excluded.event_count)
      returning organization_id, metric, day, value
    ), deleted as (
      delete from usage_daily d
      where d.day >= ${from.toISOString().slice(0, 10)}::date and d.day < ${to.toISOString().slice(0, 10)}::date ${orgFilterD}
        and not exists (select 1 from truth t where t.organization_id = d.organization_id and t.metric = d.metric and t.day = d.day)
      returning d.value
    )
    select (select count(*) from upserted)::int as upserted, (select count(*) from deleted)::int as deleted,
      (select count(*) from truth)::int as checked,
      ((select coalesce(sum(abs(u.value - coalesce(o.value, 0))), 0) from upserted u
          left join old o on o.organization_id = u.organization_id and o.metric = u.metric and o.day = u.day)
        + (select coalesce(sum(abs(value)), 0) from deleted))::bigint as drift
  `);
  const [row] = rowsOf<{ upserted: number; deleted: number; checked: number; drift: number | string }>(result);
  return {
    upserted: Number(row?.upserted ?? 0),
    deleted: Number(row?.deleted ?? 0),
    checked: Number(row?.checked ?? 0),
    drift: Number(row?.drift ?? 0),
  };
}

export type CounterRepair = { metric: string; before: number | null; after: number }[];
export type CounterRepairDetail = {
  metric: string;
  before: number | null;
  after: number;
  beforeCurrent: number | null;
  afterCurrent: number | null;
  /** False when the row did not exist. */
  existed: boolean;
  /** Events of this metric inside the period (0: the row only carries a gauge in, or is zero). */
  eventsInPeriod: number;
}[];

/**
 * Rebuild usage_counters of one organization for one usage period. Counters: the period's sum
 * (plus what a plan or cycle change carried in).
 * Gauges: `value` is the period's maximum including the value carried in from before the
 * period; `current` is the latest observation before the period's end.
 */
export async function rebuildCounters(db: Queryable, organizationId: string, period: Period): Promise<CounterRepair> {
  return (await rebuildCountersDetailed(db, organizationId, period)).map(({ metric, before, after }) => ({
    metric,
    before,
    after,
  }));
}

export async function rebuildCountersDetailed(
  db: Queryable,
  organizationId: string,
  period: Period,
): Promise<CounterRepairDetail> {
  const s = period.start.toISOString();
  const e = period.end.toISOString();
  const result = await db.execute(sql`
    with truth as (
      select m.metric,
        case when m.metric = 'executions'
          then coalesce(sum(ev.quantity) filter (where ev.occurred_at >= ${s}::timestamptz), 0)
          else greatest(
            max(ev.quantity) filter (where ev.occurred_at >= ${s}::timestamptz),
            (array_agg(ev.quantity order by ev.occurred_at desc, ev.id desc) filter (where ev.occurred_at < ${s}::timestamptz))[1],
            0)
        end as value,
        case when m.metric = 'executions' then null
          else (array_agg(ev.quantity order by ev.occurred_at desc, ev.id desc) filter (where ev.id is not null))[1] end as current,
        case when m.metric = 'executions' then null else max(ev.occurred_at) end as current_at,
        (count(ev.id) filter (where ev.occurred_at >= ${s}::timestamptz))::int as n
      from unnest(enum_range(null::usage_metric)) as m(metric)
      left join usage_events ev on ev.organization_id = ${organizationId} and ev.metric = m.metric
        and ev.occurred_at < ${e}::timestamptz
        and (m.metric <> 'executions' or ev.occurred_at >= ${s}::timestamptz)
      group by m.metric
    ), old as (
      select metric, value, current, carried from usage_counters where organization_id = ${organizationId} and period_start = ${s}::timestamptz
    ), upserted as (
      -- Executions carried in from a period a plan or cycle change ended early stay part of the value.
      insert into usage_counters (organization_id, metric, period_start, period_end, value, current, current_at, updated_at)
      select ${organizationId}, t.metric, ${s}::timestamptz, ${e}::timestamptz, t.value + coalesce(c.carried, 0), t.current, t.current_at, now()
      from truth t left join old c on c.metric = t.metric
      on conflict (organization_id, metric, period_start) do update set
        value = excluded.value, current = excluded.current, current_at = excluded.current_at,
        period_end = excluded.period_end, updated_at = now()
      where (usage_counters.value, usage_counters.current, usage_counters.current_at, usage_counters.period_end)
        is distinct from (excluded.value, excluded.current, excluded.current_at, excluded.period_end)
      returning metric, value, current
    )
    select u.metric::text as metric, o.value as before, u.value as after, o.current as before_current, u.current as after_current,
      (o.metric is not null) as existed, t.n
    from upserted u left join old o on o.metric = u.metric join truth t on t.metric = u.metric
  `);
  type Row = {
    metric: string;
    before: unknown;
    after: unknown;
    before_current: unknown;
    after_current: unknown;
    existed: boolean;
    n: unknown;
  };
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rowsOf<Row>(result).map((r) => ({
    metric: r.metric,
    before: num(r.before),
    after: Number(r.after),
    beforeCurrent: num(r.before_current),
    afterCurrent: num(r.after_current),
    existed: Boolean(r.existed),
    eventsInPeriod: Number(r.n ?? 0),
  }));
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
