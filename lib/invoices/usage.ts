import "server-only";
import { and, asc, eq, gt, lt } from "drizzle-orm";
import { usageCounters, usageRecords, type UsageRecord } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { BYTES_PER_GB, METRICS, type Metric } from "@/lib/plans";
import { overageLines, type OverageLine, overagePricesOf, getUsageOverview, type UsageOverview } from "@/lib/usage";

/**
 * The usage behind an invoice: the usage periods of the period the invoice bills, each against
 * the limits in force in it. Usage periods are months (an annual invoice bills twelve of them);
 * the ones that start inside the billed period are its own. A charge for part of a period (a
 * seat added mid-month) starts inside another period: that one is shown. A period that started
 * before the billed one (the Free month an upgrade ended) is never shown on it.
 *
 *  - closed period: its record (usage, plan and limits written when it closed, never changed);
 *  - the period running now: live counters against the limits in force now;
 *  - an ended period whose record is not written yet: its provisional record if one was taken,
 *    else its counters, with the limits marked as not recorded.
 */

export type UsageRow = { metric: Metric; used: number; limit: number | null };

export type InvoiceUsagePeriod = {
  periodStart: Date;
  periodEnd: Date;
  state: "closed" | "open" | "ended";
  /** False only for an ended period with neither a record nor a snapshot: its limits are not known. */
  limitsKnown: boolean;
  rows: UsageRow[];
  overage: OverageLine[];
};

export type UsageBreakdown = {
  /** The period the invoice bills. */
  billedStart: Date;
  billedEnd: Date;
  /** Oldest first. */
  periods: InvoiceUsagePeriod[];
};

type Span = { start: Date; end: Date };

/** Pure: which usage periods belong to a billed period (see the module comment). Oldest first. */
export function periodsOfBilledPeriod(billed: Span, candidates: Span[]): Span[] {
  const s = billed.start.getTime();
  const e = billed.end.getTime();
  const byStart = new Map<number, Span>();
  for (const c of candidates) {
    if (c.end.getTime() <= c.start.getTime()) continue;
    const prev = byStart.get(c.start.getTime());
    // Two rows of one start (a record and counters) are one period; keep the longer end.
    if (!prev || c.end.getTime() > prev.end.getTime()) byStart.set(c.start.getTime(), c);
  }
  const all = [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
  const inside = all.filter((p) => p.start.getTime() >= s && p.start.getTime() < e);
  if (inside.length > 0) return inside;
  const containing = all.filter((p) => p.start.getTime() < s && p.end.getTime() > s);
  return containing.length > 0 ? [containing[containing.length - 1]!] : [];
}

const limitOf = (limits: Record<string, number | null>, key: string, metric: Metric): number | null => {
  const raw = limits[key];
  if (raw === undefined || raw === null) return null;
  return metric === "storage_bytes" ? raw * BYTES_PER_GB : raw;
};

const LIMIT_KEY: Record<Metric, string> = {
  users: "maxUsers",
  agents: "maxAgents",
  executions: "maxExecutionsPerMonth",
  storage_bytes: "maxStorageGb",
  gateways: "maxGateways",
};

function fromRecord(r: UsageRecord, state: InvoiceUsagePeriod["state"]): InvoiceUsagePeriod {
  const used: Record<Metric, number> = {
    users: r.users,
    agents: r.agents,
    executions: r.executions,
    storage_bytes: r.storageBytes,
    gateways: r.gateways,
  };
  return {
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
    state,
    limitsKnown: true,
    rows: METRICS.map((metric) => ({
      metric,
      used: used[metric],
      limit: limitOf(r.limits, LIMIT_KEY[metric], metric),
    })),
    overage: r.overageLines,
  };
}

function fromOverview(o: UsageOverview): InvoiceUsagePeriod {
  const by = new Map(o.metrics.map((m) => [m.metric, m]));
  // Gauges are billed on the period's peak; executions on the period's sum; users as they are now.
  const usedOf = (m: Metric) => (m === "users" || m === "executions" ? by.get(m)!.used : by.get(m)!.peak);
  const usage = {
    executions: usedOf("executions"),
    agents: usedOf("agents"),
    storage_bytes: usedOf("storage_bytes"),
    gateways: usedOf("gateways"),
  };
  const prices = o.degradedToFree
    ? overagePricesOf({
        overageCentsPer1kExecutions: null,
        overageCentsPerAgent: null,
        overageCentsPerStorageGb: null,
        overageCentsPerGateway: null,
      })
    : overagePricesOf(o.plan);
  return {
    periodStart: o.usagePeriod.start,
    periodEnd: o.usagePeriod.end,
    state: "open",
    limitsKnown: true,
    rows: METRICS.map((metric) => ({ metric, used: usedOf(metric), limit: by.get(metric)!.limit })),
    overage: overageLines(usage, o.limits, prices),
  };
}

/** The usage of an invoice's billed period, or null when the invoice bills no period. */
export async function invoiceUsage(
  db: Queryable,
  inv: { organizationId: string; periodStart: Date | null; periodEnd: Date | null },
  now = new Date(),
): Promise<UsageBreakdown | null> {
  if (!inv.periodStart || !inv.periodEnd || inv.periodEnd.getTime() <= inv.periodStart.getTime()) return null;
  const billed = { start: inv.periodStart, end: inv.periodEnd };
  const org = inv.organizationId;
  const [records, counters, overview] = await Promise.all([
    db
      .select()
      .from(usageRecords)
      .where(
        and(
          eq(usageRecords.organizationId, org),
          lt(usageRecords.periodStart, billed.end),
          gt(usageRecords.periodEnd, billed.start),
        ),
      )
      .orderBy(asc(usageRecords.periodStart)),
    db
      .select({
        metric: usageCounters.metric,
        value: usageCounters.value,
        periodStart: usageCounters.periodStart,
        periodEnd: usageCounters.periodEnd,
      })
      .from(usageCounters)
      .where(
        and(
          eq(usageCounters.organizationId, org),
          lt(usageCounters.periodStart, billed.end),
          gt(usageCounters.periodEnd, billed.start),
        ),
      ),
    getUsageOverview(db, org, now),
  ]);
  const current = overview.usagePeriod;
  const currentOverlaps =
    current.start.getTime() < billed.end.getTime() && current.end.getTime() > billed.start.getTime();
  const candidates: Span[] = [
    ...records.map((r) => ({ start: r.periodStart, end: r.periodEnd })),
    ...counters.map((c) => ({ start: c.periodStart, end: c.periodEnd })),
    ...(currentOverlaps ? [current] : []),
  ];
  const chosen = periodsOfBilledPeriod(billed, candidates);
  const recordAt = new Map(records.map((r) => [r.periodStart.getTime(), r]));
  const periods = chosen.map((p): InvoiceUsagePeriod => {
    const t = p.start.getTime();
    const record = recordAt.get(t);
    if (record?.closedAt) return fromRecord(record, "closed");
    if (t === current.start.getTime() && now.getTime() < current.end.getTime()) return fromOverview(overview);
    if (record) return fromRecord(record, "ended");
    const own = counters.filter((c) => c.periodStart.getTime() === t);
    const value = (m: Metric) => Number(own.find((c) => c.metric === m)?.value ?? 0);
    return {
      periodStart: p.start,
      periodEnd: p.end,
      state: "ended",
      limitsKnown: false,
      rows: METRICS.filter((m) => m !== "users").map((metric) => ({ metric, used: value(metric), limit: null })),
      overage: [],
    };
  });
  return { billedStart: billed.start, billedEnd: billed.end, periods };
}
