import "server-only";
import type { Db } from "@/db/types";
import { limitForMetric } from "@/lib/plans";
import { alertCandidates, recordUsageAlerts, rememberAlerts, unknownAlerts, type AlertCandidate } from "./alerts";
import { aggregateBatch, type InsertedEvent } from "./fold";
import { foldAggregates, insertEvents, lockForIngest, recomputeLaterGaugePeriods } from "./ingest-sql";
import { loadPlanContext } from "./plan-context";
import { periodMapper } from "./periods";
import { isCounter, parseUsageBatch } from "./validate";

export type IngestResult = { accepted: number; duplicates: number };

/**
 * Ingest a batch of usage events for an organization (POST /api/v1/usage/events).
 *
 * Validates the whole batch first (any bad event: 400 and nothing written). Then one
 * transaction inserts the events with ON CONFLICT (organization, idempotency key) DO NOTHING
 * and folds only the rows actually inserted into usage_counters and usage_daily, one
 * statement per table. A replayed batch inserts nothing and so changes nothing.
 */
export async function ingestUsageEvents(
  db: Db,
  organizationId: string,
  body: unknown,
  opts: { now?: Date } = {},
): Promise<IngestResult> {
  const now = opts.now ?? new Date();
  const events = parseUsageBatch(body, now);
  const ctx = await loadPlanContext(db, organizationId, now);
  const periodOf = periodMapper(ctx.periodSource);
  const hasGauges = events.some((e) => !isCounter(e.metric));

  let alerted: AlertCandidate[] = [];
  const accepted = await db.transaction(async (tx) => {
    await lockForIngest(tx, organizationId, hasGauges);
    const outcome = await insertEvents(tx, organizationId, events);
    if (outcome.inserted === 0) return 0;
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

    // Alerts: counters hold the period's sum (executions) or maximum (gauges).
    const candidates = alertCandidates(
      counters.map((c) => ({
        metric: c.metric,
        periodStart: new Date(c.periodStart),
        used: c.value,
        limit: limitForMetric(ctx.limits, c.metric),
      })),
    );
    alerted = unknownAlerts(organizationId, candidates);
    if (alerted.length > 0) await recordUsageAlerts(tx, organizationId, alerted);
    return outcome.inserted;
  });
  rememberAlerts(organizationId, alerted);
  return { accepted, duplicates: events.length - accepted };
}
