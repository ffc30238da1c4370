import "server-only";
import { sql } from "drizzle-orm";
import { preparedStatement } from "@/db/prepared";
import { rowsOf, type Queryable } from "@/db/types";
import type { CounterAggregate, DailyAggregate } from "./fold";
import { planContextVersion } from "./plan-context";
import type { IngestMetric, UsageEventInput } from "./validate";

/**
 * The set-based statements of ingest. Each takes the whole batch as one JSON parameter
 * (json_to_recordset), so a batch of 1,000 costs one statement per table, never a loop.
 * Rows are written in a fixed order (idempotency key, then metric and period/day) so that
 * concurrent batches touching the same rows lock them in the same order and cannot deadlock.
 */

/** Advisory lock classes (first key); the second key is hashtext(organization id). */
const LOCK_USAGE = 72731;
const LOCK_GAUGES = 72732;

/**
 * Ingest holds the organization's usage lock shared (many batches at once); reconciliation
 * holds it exclusively while it rebuilds that organization. Batches with gauge events also
 * take the organization's gauge lock, so gauge carry-in and "latest value" rules see a
 * serial history (gauge reports are few; executions, the hot path, never wait for it: their
 * statement, writeCounterEvents, takes the usage lock itself).
 */
export async function lockForGaugeIngest(tx: Queryable, organizationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_USAGE}, hashtext(${organizationId})),
    pg_advisory_xact_lock(${LOCK_GAUGES}, hashtext(${organizationId}))`);
}

export async function lockForRebuild(tx: Queryable, organizationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_USAGE}, hashtext(${organizationId}))`);
}

export type InsertOutcome = {
  inserted: number;
  /** Keys already stored (replays): usually none, so the answer stays tiny. */
  duplicates: Set<string>;
  /** Ids of inserted gauge events (ties in time go to the later insert); counters need none. */
  gaugeIds: Map<string, number>;
};

/** Insert the batch with ON CONFLICT DO NOTHING; answers what was inserted without sending 1,000 rows back. */
export async function insertEvents(
  tx: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
): Promise<InsertOutcome> {
  const payload = JSON.stringify(
    events.map((e) => ({ k: e.key, m: e.metric, q: e.quantity, t: e.occurredAt.toISOString() })),
  );
  const result = await tx.execute(sql`
    with input as (
      select * from json_to_recordset(${payload}::json) as x(k text, m usage_metric, q bigint, t timestamptz)
    ), ins as (
      insert into usage_events (organization_id, metric, quantity, occurred_at, idempotency_key)
      select ${organizationId}::uuid, m, q, t, k from input order by k collate "C"
      on conflict (organization_id, idempotency_key) do nothing
      returning id, idempotency_key, metric
    )
    select 'n' as kind, count(*)::bigint as id, null as key from ins
    union all select 'g', id, idempotency_key from ins where metric <> 'executions'
    union all select 'd', null, k from input where not exists (select 1 from ins where ins.idempotency_key = input.k)`);
  const out: InsertOutcome = { inserted: 0, duplicates: new Set(), gaugeIds: new Map() };
  for (const r of rowsOf<{ kind: string; id: number | string | null; key: string | null }>(result)) {
    if (r.kind === "n") out.inserted = Number(r.id);
    else if (r.kind === "g") out.gaugeIds.set(r.key!, Number(r.id));
    else out.duplicates.add(r.key!);
  }
  return out;
}

/**
 * Of the replayed keys, those whose stored event differs from the one sent now (metric, amount
 * or time). Its own statement, so it sees a row that a concurrent batch committed after our
 * insert began (ON CONFLICT waited for it). Sorted, at most `limit` keys.
 */
export async function conflictingReplays(
  tx: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
  duplicates: ReadonlySet<string>,
  limit = 20,
): Promise<string[]> {
  const payload = JSON.stringify(
    events
      .filter((e) => duplicates.has(e.key))
      .map((e) => ({ k: e.key, m: e.metric, q: e.quantity, t: e.occurredAt.toISOString() })),
  );
  const result = await tx.execute(sql`
    select x.k as key
    from json_to_recordset(${payload}::json) as x(k text, m usage_metric, q bigint, t timestamptz)
    join usage_events e on e.organization_id = ${organizationId}::uuid and e.idempotency_key = x.k
    where (e.metric, e.quantity, e.occurred_at) is distinct from (x.m, x.q, x.t)
    order by x.k collate "C"
    limit ${limit}`);
  return rowsOf<{ key: string }>(result).map((r) => r.key);
}

export type FoldedCounter = { metric: IngestMetric; periodStart: number; value: number };

export type CounterWriteOutcome = {
  inserted: number;
  /** Keys already stored (replays): usually none. */
  duplicates: Set<string>;
  /** The counters' values after this statement (for usage alerts). */
  counters: FoldedCounter[];
  /** The plan context's rows changed since `contextVersion` was read: nothing was written. */
  stale: boolean;
};

/**
 * The hot path of ingest: events of counter metrics only (executions), written and folded in ONE
 * statement. It takes the organization's usage lock (shared), inserts the events with ON
 * CONFLICT DO NOTHING, and adds exactly the rows it inserted (its RETURNING) to usage_counters
 * (per usage period) and usage_daily (per UTC day). One statement is one atomic unit: it commits
 * whole or not at all, so outside a transaction it needs no BEGIN/COMMIT round trips (group
 * commit), and inside one (a batch) it is the only write.
 *
 * `periods` lists the batch's usage periods (computed from the plan context by the caller);
 * each event names its period by index, so overlapping periods (a source change mid-period)
 * are never matched by time. The lock is taken before the first row is produced: the events are
 * read through a join with it. Counters and daily rows are upserted, so a rebuild that committed
 * while this statement waited for the lock is added to, not overwritten (ON CONFLICT DO UPDATE
 * works on the latest row, whatever the statement's snapshot).
 *
 * `contextVersion` (planContextVersion) is the version of the plan rows the periods were
 * computed from: when those rows have changed since, the statement writes nothing and answers
 * `stale` (the caller reloads the context and writes again).
 */
export async function writeCounterEvents(
  db: Queryable,
  organizationId: string,
  events: readonly { key: string; metric: IngestMetric; quantity: number; occurredAt: Date; period: number }[],
  periods: readonly { start: Date; end: Date }[],
  contextVersion: string,
): Promise<CounterWriteOutcome> {
  const payload = JSON.stringify(
    events.map((e) => ({ k: e.key, m: e.metric, q: e.quantity, t: e.occurredAt.toISOString(), p: e.period })),
  );
  const periodPayload = JSON.stringify(
    periods.map((p, i) => ({ i, s: p.start.toISOString(), e: p.end.toISOString() })),
  );
  const rows = await writeCounterEventsStatement(db, {
    org: organizationId,
    events: payload,
    periods: periodPayload,
    version: contextVersion,
  });
  const out: CounterWriteOutcome = { inserted: 0, duplicates: new Set(), counters: [], stale: false };
  for (const r of rows) {
    if (r.kind === "c")
      out.counters.push({ metric: r.key as IngestMetric, periodStart: Number(r.a), value: Number(r.b) });
    else if (r.kind === "d") out.duplicates.add(r.key!);
    else if (r.kind === "s") out.stale = true;
    else out.inserted = Number(r.a);
  }
  return out;
}

/** writeCounterEvents' statement, prepared (parsed and planned once per connection). */
const writeCounterEventsStatement = preparedStatement<{
  kind: string;
  key: string | null;
  a: number | string | null;
  b: number | string | null;
}>("write_counter_events", () => {
  const orgText = sql.placeholder("org");
  const org = sql`${sql.placeholder("org")}::uuid`;
  return sql`
    with usage_lock as (
      select pg_advisory_xact_lock_shared(${LOCK_USAGE}, hashtext(${orgText}::text)) as held
    ), context as (
      select coalesce(${planContextVersion(org)} = ${sql.placeholder("version")}::text, false) as current
    ), input as (
      select x.* from usage_lock, context, json_to_recordset(${sql.placeholder("events")}::json) as x(k text, m usage_metric, q bigint, t timestamptz, p int)
      where context.current
    ), ins as (
      insert into usage_events (organization_id, metric, quantity, occurred_at, idempotency_key)
      select ${org}, m, q, t, k from input order by k collate "C"
      on conflict (organization_id, idempotency_key) do nothing
      returning idempotency_key
    ), fresh as (
      select input.* from input join ins on ins.idempotency_key = input.k
    ), periods as (
      select * from json_to_recordset(${sql.placeholder("periods")}::json) as x(i int, s timestamptz, e timestamptz)
    ), counters as (
      insert into usage_counters as uc (organization_id, metric, period_start, period_end, value, updated_at)
      select ${org}, f.m, p.s, p.e, sum(f.q), now()
      from fresh f join periods p on p.i = f.p
      group by f.m, p.s, p.e
      order by f.m, p.s
      on conflict (organization_id, metric, period_start) do update set value = uc.value + excluded.value, updated_at = now()
      returning uc.metric, uc.period_start, uc.value
    ), days as (
      insert into usage_daily as ud (organization_id, metric, day, value, event_count)
      select ${org}, f.m, (f.t at time zone 'UTC')::date, sum(f.q), count(*)
      from fresh f
      group by 2, 3
      order by 2, 3
      on conflict (organization_id, metric, day) do update set
        value = ud.value + excluded.value, event_count = ud.event_count + excluded.event_count
      returning 1
    )
    select 'c' as kind, metric::text as key, (extract(epoch from period_start) * 1000)::bigint as a, value as b,
      (select count(*) from days)::int as days
    from counters
    union all select 'd', k, null, null, null from input where not exists (select 1 from ins where ins.idempotency_key = input.k)
    union all select 'n', null, (select count(*) from ins), null, null
    union all select 's', null, null, null, null from context where not context.current`;
});

/**
 * Merge the batch's aggregates in one statement, one upsert per table:
 * usage_counters — executions add; gauges keep the maximum and move `current` forward only
 * (occurred_at ≥ current_at); a row created for a new period is seeded with the latest
 * observation before the period (the value carried in);
 * usage_daily — executions add; gauges keep the day's maximum and latest value.
 * Answers the counters' new values (for usage alerts).
 */
export async function foldAggregates(
  tx: Queryable,
  organizationId: string,
  counters: readonly CounterAggregate[],
  daily: readonly DailyAggregate[],
): Promise<FoldedCounter[]> {
  if (counters.length === 0) return [];
  const org = sql`${organizationId}::uuid`;
  const cPayload = JSON.stringify(
    counters.map((r) => ({
      m: r.metric,
      ps: r.periodStart.toISOString(),
      pe: r.periodEnd.toISOString(),
      v: r.value,
      lv: r.lastValue,
      lt: r.lastAt?.toISOString() ?? null,
    })),
  );
  const dPayload = JSON.stringify(
    daily.map((r) => ({
      m: r.metric,
      d: r.day,
      v: r.value,
      lv: r.lastValue,
      lt: r.lastAt?.toISOString() ?? null,
      c: r.count,
    })),
  );
  const result = await tx.execute(sql`
    with counters as (
      insert into usage_counters as uc (organization_id, metric, period_start, period_end, value, current, current_at, updated_at)
      select ${org}, a.m, a.ps, a.pe,
        case when a.m = 'executions' then a.v else greatest(a.v, carry.q, 0) end,
        a.lv, a.lt, now()
      from json_to_recordset(${cPayload}::json) as a(m usage_metric, ps timestamptz, pe timestamptz, v bigint, lv bigint, lt timestamptz)
      left join lateral (
        select e.quantity as q from usage_events e
        where a.m <> 'executions' and e.organization_id = ${org} and e.metric = a.m and e.occurred_at < a.ps
        order by e.occurred_at desc, e.id desc limit 1
      ) carry on true
      order by a.m, a.ps
      on conflict (organization_id, metric, period_start) do update set
        value = case when excluded.metric = 'executions' then uc.value + excluded.value else greatest(uc.value, excluded.value) end,
        current = case when excluded.metric = 'executions' then uc.current
          when uc.current_at is null or excluded.current_at >= uc.current_at then excluded.current else uc.current end,
        current_at = case when excluded.metric = 'executions' then uc.current_at else greatest(uc.current_at, excluded.current_at) end,
        updated_at = now()
      returning uc.metric, uc.period_start, uc.value
    ), days as (
      insert into usage_daily as ud (organization_id, metric, day, value, last_value, last_at, event_count)
      select ${org}, a.m, a.d, a.v, a.lv, a.lt, a.c
      from json_to_recordset(${dPayload}::json) as a(m usage_metric, d date, v bigint, lv bigint, lt timestamptz, c int)
      order by a.m, a.d
      on conflict (organization_id, metric, day) do update set
        value = case when excluded.metric = 'executions' then ud.value + excluded.value else greatest(ud.value, excluded.value) end,
        last_value = case when excluded.metric = 'executions' then null
          when ud.last_at is null or excluded.last_at >= ud.last_at then excluded.last_value else ud.last_value end,
        last_at = case when excluded.metric = 'executions' then null else greatest(ud.last_at, excluded.last_at) end,
        event_count = ud.event_count + excluded.event_count
      returning 1
    )
    select metric::text as metric, (extract(epoch from period_start) * 1000)::bigint as ps, value, (select count(*) from days)::int as days
    from counters`);
  return rowsOf<{ metric: IngestMetric; ps: number | string; value: number | string }>(result).map((r) => ({
    metric: r.metric,
    periodStart: Number(r.ps),
    value: Number(r.value),
  }));
}

/**
 * A gauge observation older than the start of a later period changes what that period carried
 * in (a late report). Recompute those later periods' rows exactly from the raw events: rare, and
 * cheap (index range scans), and it keeps counters equal to a rebuild. Runs under the gauge lock.
 */
export async function recomputeLaterGaugePeriods(
  tx: Queryable,
  organizationId: string,
  earliest: readonly { metric: IngestMetric; at: Date }[],
): Promise<number> {
  if (earliest.length === 0) return 0;
  const payload = JSON.stringify(earliest.map((e) => ({ m: e.metric, t: e.at.toISOString() })));
  const org = sql`${organizationId}::uuid`;
  const result = await tx.execute(sql`
    with late as (
      select * from json_to_recordset(${payload}::json) as x(m usage_metric, t timestamptz)
    ), targets as (
      select uc.metric, uc.period_start, uc.period_end
      from usage_counters uc join late on uc.organization_id = ${org} and uc.metric = late.m and uc.period_start > late.t
    ), truth as (
      select t.metric, t.period_start,
        greatest(
          (select max(e.quantity) from usage_events e where e.organization_id = ${org} and e.metric = t.metric
             and e.occurred_at >= t.period_start and e.occurred_at < t.period_end),
          (select e.quantity from usage_events e where e.organization_id = ${org} and e.metric = t.metric
             and e.occurred_at < t.period_start order by e.occurred_at desc, e.id desc limit 1),
          0) as value,
        cur.quantity as current, cur.occurred_at as current_at
      from targets t
      left join lateral (
        select e.quantity, e.occurred_at from usage_events e
        where e.organization_id = ${org} and e.metric = t.metric and e.occurred_at < t.period_end
        order by e.occurred_at desc, e.id desc limit 1
      ) cur on true
    ), updated as (
      update usage_counters uc set value = truth.value, current = truth.current, current_at = truth.current_at, updated_at = now()
      from truth
      where uc.organization_id = ${org} and uc.metric = truth.metric and uc.period_start = truth.period_start
        and (uc.value, uc.current, uc.current_at) is distinct from (truth.value, truth.current, truth.current_at)
      returning 1
    )
    select count(*)::int as n from updated`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}
