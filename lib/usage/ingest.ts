import "server-only";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { limitForMetric, type Period } from "@/lib/plans";
import { alertCandidates, recordUsageAlerts, rememberAlerts, unknownAlerts, type AlertCandidate } from "./alerts";
import { aggregateBatch, type InsertedEvent } from "./fold";
import {
  conflictingReplays,
  foldAggregates,
  insertEvents,
  lockForGaugeIngest,
  recomputeLaterGaugePeriods,
  writeCounterEvents,
  type FoldedCounter,
} from "./ingest-sql";
import { cachedPlanContext, loadPlanContext, type PlanContext } from "./plan-context";
import { periodMapper } from "./periods";
import { isCounter, parseUsageBatch, type UsageEventInput } from "./validate";
import { currentDate, EngineDate } from "@/lib/engine-date";

export type IngestResult = { accepted: number; duplicates: number };

/**
 * Ingest a batch of usage events for an organization (POST /api/v1/usage/events).
 *
 * Validates the whole batch first (any bad event: 400 and nothing written). Then one
 * transaction inserts the events with ON CONFLICT (organization, idempotency key) DO NOTHING
 * and folds only the rows actually inserted into usage_counters and usage_daily (executions
 * only: one statement for all three tables; with gauges: one statement per step). A replayed
 * batch inserts nothing and so changes nothing. A key that was stored with other content
 * (metric, amount or time) is a 409 `idempotency_conflict` naming the key, and the whole batch
 * is rolled back.
 */
export async function ingestUsageEvents(
  db: Queryable,
  organizationId: string,
  body: unknown,
  opts: { now?: Date } = {},
): Promise<IngestResult> {
  const now = opts.now ?? currentDate();
  return writeBatch(db, organizationId, parseUsageBatch(body, now), now);
}

/** A batch already parsed by parseUsageBatch (group commit's batches): written all or nothing. */
export async function writeBatch(
  db: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
  now: Date,
): Promise<IngestResult> {
  const outcome = await writeEvents(db, organizationId, events, { now, conflicts: "throw" });
  return { accepted: outcome.inserted.size, duplicates: events.length - outcome.inserted.size };
}

export type WriteOutcome = {
  /** Keys inserted by this call. */
  inserted: Set<string>;
  /** Keys already stored with other content (only with `conflicts: "report"`): nothing was written for them. */
  conflicts: Set<string>;
};

/**
 * Write parsed events atomically (see ingestUsageEvents). `conflicts: "throw"` rolls the whole
 * call back on a key reused with other content (a batch is all or nothing); `conflicts: "report"`
 * commits the others and names them (group commit: each event is its own request, and a
 * conflicting one was not inserted anyway).
 */
export async function writeEvents(
  db: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
  opts: { now: Date; conflicts: "throw" | "report" },
): Promise<WriteOutcome> {
  if (events.every((e) => isCounter(e.metric))) return writeCounters(db, organizationId, events, opts);
  const ctx = await loadPlanContext(db, organizationId, opts.now);
  return writeWithGauges(db, organizationId, events, ctx, opts.conflicts);
}

/**
 * Executions only (the hot path): one statement writes the events and folds them
 * (writeCounterEvents), with the plan context from the per-organization cache (a write made
 * with rows that changed since writes nothing, and is made again with fresh ones). With
 * `report` it runs on its own (a statement is atomic: no BEGIN and COMMIT round trips), and
 * replayed keys are compared afterwards, against committed rows. With `throw` it runs in a
 * transaction, so that a conflicting replay rolls the whole batch back. Usage alerts are
 * recorded in the same transaction (`throw`) or right after the commit, before anyone is
 * answered (`report`); one lost to a crash in between is raised by the next ingest of that
 * counter, or by reconciliation.
 */
async function writeCounters(
  db: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
  opts: { now: Date; conflicts: "throw" | "report" },
): Promise<WriteOutcome> {
  const write = async (q: Queryable) => {
    for (let attempt = 1; ; attempt++) {
      const { ctx, version } = await cachedPlanContext(db, organizationId, opts.now, {
        reload: attempt > 1,
        via: q,
      });
      const periodOf = periodMapper(ctx.periodSource);
      const periods: Period[] = [];
      const rows = events.map((e) => {
        const period = periodOf(e.occurredAt);
        let index = periods.indexOf(period);
        if (index === -1) index = periods.push(period) - 1;
        return { ...e, period: index };
      });
      const written = await writeCounterEvents(q, organizationId, rows, periods, version);
      // The plan rows changed under the cached context (at most twice in a row: a third change is a storm).
      if (written.stale && attempt < 3) continue;
      if (written.stale) throw new Error("The organization's plan kept changing during ingest; try again.");
      let found: string[] = [];
      if (written.duplicates.size > 0) {
        found = await conflictingReplays(q, organizationId, events, written.duplicates, events.length);
        if (found.length > 0 && opts.conflicts === "throw") throw idempotencyConflict(found);
      }
      const alerted = unknownAlerts(organizationId, candidatesOf(ctx, written.counters));
      if (alerted.length > 0) await recordUsageAlerts(q, organizationId, alerted);
      const inserted = new Set(events.filter((e) => !written.duplicates.has(e.key)).map((e) => e.key));
      return { outcome: { inserted, conflicts: new Set(found) }, alerted };
    }
  };
  const { outcome, alerted } = opts.conflicts === "throw" ? await db.transaction((tx) => write(tx)) : await write(db);
  rememberAlerts(organizationId, alerted);
  return outcome;
}

/** Alerts: counters hold the period's sum (executions) or maximum (gauges). */
function candidatesOf(ctx: PlanContext, counters: readonly FoldedCounter[]): AlertCandidate[] {
  return alertCandidates(
    counters.map((c) => ({
      metric: c.metric,
      periodStart: new EngineDate(c.periodStart),
      used: c.value,
      limit: limitForMetric(ctx.limits, c.metric),
    })),
  );
}

/** Batches with gauge events: insert, compare replays, fold and carry gauges, one statement each, in one transaction. */
async function writeWithGauges(
  db: Queryable,
  organizationId: string,
  events: readonly UsageEventInput[],
  ctx: PlanContext,
  conflictMode: "throw" | "report",
): Promise<WriteOutcome> {
  const periodOf = periodMapper(ctx.periodSource);

  let alerted: AlertCandidate[] = [];
  const result = await db.transaction(async (tx): Promise<WriteOutcome> => {
    await lockForGaugeIngest(tx, organizationId);
    const outcome = await insertEvents(tx, organizationId, events);
    let conflicts = new Set<string>();
    if (outcome.duplicates.size > 0) {
      // A key names one event: the same key with other content is a client bug, not a replay.
      const found = await conflictingReplays(tx, organizationId, events, outcome.duplicates, events.length);
      if (found.length > 0 && conflictMode === "throw") throw idempotencyConflict(found);
      conflicts = new Set(found);
    }
    const inserted = new Set(events.filter((e) => !outcome.duplicates.has(e.key)).map((e) => e.key));
    if (outcome.inserted === 0) return { inserted, conflicts };
    const fresh: InsertedEvent[] = [];
    for (const e of events) {
      if (outcome.duplicates.has(e.key)) continue;
      fresh.push({
        id: outcome.gaugeIds.get(e.key) ?? 0,
        metric: e.metric,
        quantity: e.quantity,
        occurredAt: e.occurredAt,
        period: periodOf(e.occurredAt),
      });
    }
    const fold = aggregateBatch(fresh);
    const counters = await foldAggregates(tx, organizationId, fold.counters, fold.daily);
    if (fold.earliestGauge.length > 0) await recomputeLaterGaugePeriods(tx, organizationId, fold.earliestGauge);

    alerted = unknownAlerts(organizationId, candidatesOf(ctx, counters));
    if (alerted.length > 0) await recordUsageAlerts(tx, organizationId, alerted);
    return { inserted, conflicts };
  });
  rememberAlerts(organizationId, alerted);
  return result;
}

export function idempotencyConflict(keys: string[]): AppError {
  const shown = keys
    .slice(0, 3)
    .map((k) => `"${k.slice(0, 80)}"`)
    .join(", ");
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : "";
  return new AppError(
    "idempotency_conflict",
    `Keys for idempotent requests can only be used with the same content: idempotency_key ${shown}${more} was already used for an event with a different metric, amount or time. Nothing from this batch was written. Send a new key for a new event.`,
    { idempotency_keys: keys },
  );
}
