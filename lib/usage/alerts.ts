import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/types";
import { percentUsed, type Metric } from "@/lib/plans/limits";

/**
 * Usage alerts: an organization that reaches 80% or 100% of a limit gets one alert per period,
 * metric and threshold (usage_alerts' unique key makes it once), plus an outbox row for a
 * mailer. Detected during ingest (only when a folded counter is at or past a threshold, and
 * remembered per process so later batches skip the insert) and during reconciliation.
 */

export const ALERT_THRESHOLDS = [80, 100] as const;
export const USAGE_ALERT_KIND = "usage_alert";

export type UsageAgainstLimit = { metric: Metric; periodStart: Date; used: number; limit: number | null };
export type AlertCandidate = {
  metric: Metric;
  periodStart: Date;
  used: number;
  limit: number;
  thresholdPercent: number;
};
export type RaisedAlert = AlertCandidate & { id: string };

/** Pure: the thresholds each usage has reached. Unlimited never alerts. */
export function alertCandidates(usages: readonly UsageAgainstLimit[]): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  for (const u of usages) {
    if (u.limit === null) continue;
    const percent = percentUsed(u.used, u.limit);
    if (percent === null) continue;
    for (const t of ALERT_THRESHOLDS) {
      if (percent >= t)
        out.push({ metric: u.metric, periodStart: u.periodStart, used: u.used, limit: u.limit, thresholdPercent: t });
    }
  }
  return out;
}

/** Record alerts not yet recorded (and their outbox messages); answers the ones newly raised. */
export async function recordUsageAlerts(
  db: Queryable,
  organizationId: string,
  candidates: readonly AlertCandidate[],
): Promise<RaisedAlert[]> {
  if (candidates.length === 0) return [];
  const payload = JSON.stringify(
    candidates.map((c) => ({
      m: c.metric,
      ps: c.periodStart.toISOString(),
      t: c.thresholdPercent,
      u: c.used,
      l: c.limit,
    })),
  );
  const result = await db.execute(sql`
    with cand as (
      select * from json_to_recordset(${payload}::json) as x(m text, ps timestamptz, t int, u bigint, l bigint)
    ), inserted as (
      insert into usage_alerts (organization_id, metric, period_start, threshold_percent, used, "limit")
      select ${organizationId}::uuid, m, ps, t, u, l from cand order by m, ps, t
      on conflict (organization_id, metric, period_start, threshold_percent) do nothing
      returning id, metric, period_start, threshold_percent, used, "limit"
    ), queued as (
      insert into outbox (organization_id, kind, payload)
      select ${organizationId}::uuid, ${USAGE_ALERT_KIND}, json_build_object(
        'alertId', id, 'organizationId', ${organizationId}::uuid, 'metric', metric, 'periodStart', period_start,
        'thresholdPercent', threshold_percent, 'used', used, 'limit', "limit")::jsonb
      from inserted
      returning 1
    ), platform as (
      -- The platform hears it too (lib/outbound-webhooks): every threshold, and limit.reached at 100%.
      insert into webhook_events (id, type, organization_id, data)
      select 'evt_' || replace(gen_random_uuid()::text, '-', ''), e.type, ${organizationId}::uuid, json_build_object(
        'organizationId', ${organizationId}::uuid, 'metric', metric, 'threshold', threshold_percent, 'used', used,
        'limit', "limit", 'periodStart', period_start)::jsonb
      from inserted
      cross join lateral (values ('usage.threshold_crossed'), ('limit.reached')) as e(type)
      where e.type = 'usage.threshold_crossed' or threshold_percent >= 100
      returning 1
    )
    select id::text as id, metric, (extract(epoch from period_start) * 1000)::bigint as ps, threshold_percent as t, used, "limit" as l,
      (select count(*) from queued)::int as queued, (select count(*) from platform)::int as platform
    from inserted`);
  return rowsOf<{
    id: string;
    metric: Metric;
    ps: number | string;
    t: number;
    used: number | string;
    l: number | string;
  }>(result).map((r) => ({
    id: r.id,
    metric: r.metric,
    periodStart: new Date(Number(r.ps)),
    thresholdPercent: Number(r.t),
    used: Number(r.used),
    limit: Number(r.l),
  }));
}

/** Alerts this process already knows are recorded, so busy organizations past 80% skip the insert. */
const known = new Set<string>();
const keyOf = (organizationId: string, c: AlertCandidate) =>
  `${organizationId}|${c.metric}|${c.periodStart.getTime()}|${c.thresholdPercent}`;

export function unknownAlerts(organizationId: string, candidates: readonly AlertCandidate[]): AlertCandidate[] {
  return candidates.filter((c) => !known.has(keyOf(organizationId, c)));
}

/** Call after the transaction that recorded them committed. */
export function rememberAlerts(organizationId: string, candidates: readonly AlertCandidate[]): void {
  if (known.size > 50_000) known.clear();
  for (const c of candidates) known.add(keyOf(organizationId, c));
}
