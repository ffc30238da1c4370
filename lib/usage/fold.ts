import { type Period, utcDay } from "@/lib/plans";
import { isCounter, type IngestMetric } from "./validate";

/**
 * Folding a batch: the events actually inserted are aggregated here (pure), then merged into
 * usage_counters and usage_daily with one set-based statement per table (ingest-sql.ts).
 *
 * Counters (executions): the batch adds its sum. Gauges: the batch's maximum (the period and
 * the day keep their maximum) and its latest observation by (occurred_at, id), which becomes
 * the current value when it is not older than the one stored. These are the rules of
 * rollup.ts, so a rebuild from raw events finds nothing to repair.
 */

export type InsertedEvent = { id: number; metric: IngestMetric; quantity: number; occurredAt: Date; period: Period };

export type Aggregate = {
  metric: IngestMetric;
  /** Counters: sum. Gauges: maximum. */
  value: number;
  /** Gauges: the latest observation and its time; null for counters. */
  lastValue: number | null;
  lastAt: Date | null;
  lastId: number;
  count: number;
};

export type CounterAggregate = Aggregate & { periodStart: Date; periodEnd: Date };
export type DailyAggregate = Aggregate & { day: string };

export type BatchFold = {
  counters: CounterAggregate[];
  daily: DailyAggregate[];
  /** Per gauge metric, the earliest observation: later periods may carry it in. */
  earliestGauge: { metric: IngestMetric; at: Date }[];
};

function merge(into: Aggregate, e: InsertedEvent): void {
  into.count += 1;
  if (isCounter(e.metric)) {
    into.value += e.quantity;
    return;
  }
  into.value = Math.max(into.value, e.quantity);
  const t = e.occurredAt.getTime();
  const lastT = into.lastAt?.getTime() ?? -Infinity;
  if (t > lastT || (t === lastT && e.id > into.lastId)) {
    into.lastValue = e.quantity;
    into.lastAt = e.occurredAt;
    into.lastId = e.id;
  }
}

function fresh(e: InsertedEvent): Aggregate {
  const counter = isCounter(e.metric);
  return {
    metric: e.metric,
    value: counter ? 0 : e.quantity,
    lastValue: counter ? null : e.quantity,
    lastAt: counter ? null : e.occurredAt,
    lastId: counter ? 0 : e.id,
    count: 0,
  };
}

export function aggregateBatch(events: readonly InsertedEvent[]): BatchFold {
  const counters = new Map<string, CounterAggregate>();
  const daily = new Map<string, DailyAggregate>();
  const earliest = new Map<IngestMetric, Date>();
  for (const e of events) {
    const ck = `${e.metric}|${e.period.start.getTime()}`;
    let c = counters.get(ck);
    if (!c) counters.set(ck, (c = { ...fresh(e), periodStart: e.period.start, periodEnd: e.period.end }));
    merge(c, e);
    const day = utcDay(e.occurredAt);
    const dk = `${e.metric}|${day}`;
    let d = daily.get(dk);
    if (!d) daily.set(dk, (d = { ...fresh(e), day }));
    merge(d, e);
    if (!isCounter(e.metric)) {
      const prev = earliest.get(e.metric);
      if (!prev || e.occurredAt.getTime() < prev.getTime()) earliest.set(e.metric, e.occurredAt);
    }
  }
  const byKey =
    <T extends { metric: string }>(k: (x: T) => string | number) =>
    (a: T, b: T) =>
      a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0;
  return {
    counters: [...counters.values()].sort(byKey((x) => x.periodStart.getTime())),
    daily: [...daily.values()].sort(byKey((x) => x.day)),
    earliestGauge: [...earliest].map(([metric, at]) => ({ metric, at })).sort((a, b) => (a.metric < b.metric ? -1 : 1)),
  };
}
