import { overageCost, prorate, sumMinor } from "@/lib/money";
import { limitForMetric, type Limits, type Metric, type Period } from "@/lib/plans";
import type { OveragePrice } from "./plan-context";

/**
 * The cost of one usage period (pure; all arithmetic through lib/money).
 *
 * Base: the subscription's recurring amount per cycle (per-seat price × seats, or the custom
 * price) spread over the cycle's monthly usage periods (an annual cycle: a twelfth per period),
 * then prorated by the seconds of the period the subscription covered (a trial ending or a
 * cancellation inside the period leaves a partial period).
 * Overage: for each metric whose plan carries an overage price, the units over the limit
 * (executions: the period's sum; gauges: the period's maximum) priced per block, rounded up.
 */

export type PeriodUsage = { executions: number; agents: number; storage_bytes: number; gateways: number };
export type OverageLine = { metric: string; quantity: number; unitCents: number; amountCents: number };
export type PeriodCost = { baseCents: number; overageCents: number; costCents: number; overageLines: OverageLine[] };

/** The part of the period the paid subscription covered, or null when none of it. */
export function coveredPart(
  period: Period,
  sub: { trialEnd: Date | null; canceledAt: Date | null; status: string } | null,
): Period | null {
  if (!sub) return null;
  let start = period.start.getTime();
  let end = period.end.getTime();
  if (sub.trialEnd) start = Math.max(start, sub.trialEnd.getTime());
  if (sub.canceledAt && (sub.status === "canceled" || sub.status === "incomplete_expired"))
    end = Math.min(end, sub.canceledAt.getTime());
  return end > start ? { start: new Date(start), end: new Date(end) } : null;
}

export function baseCost(input: {
  cycleAmountCents: number | null;
  cycleMonths: number;
  period: Period;
  covered: Period | null;
}): number {
  const { cycleAmountCents, cycleMonths, period, covered } = input;
  if (!cycleAmountCents || !covered) return 0;
  const perPeriod = prorate(cycleAmountCents, 1, cycleMonths);
  const periodSeconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
  const coveredSeconds = Math.round((covered.end.getTime() - covered.start.getTime()) / 1000);
  if (coveredSeconds >= periodSeconds) return perPeriod;
  return prorate(perPeriod, Math.max(0, coveredSeconds), periodSeconds);
}

const OVERAGE_METRICS = ["executions", "agents", "storage_bytes", "gateways"] as const satisfies readonly Metric[];

export function overageLines(
  usage: PeriodUsage,
  limits: Limits,
  prices: Record<Metric, OveragePrice | null>,
): OverageLine[] {
  const lines: OverageLine[] = [];
  for (const metric of OVERAGE_METRICS) {
    const price = prices[metric];
    const limit = limitForMetric(limits, metric);
    if (!price || limit === null) continue;
    const over = usage[metric] - limit;
    if (over <= 0) continue;
    lines.push({
      metric,
      quantity: over,
      unitCents: price.unitCents,
      amountCents: overageCost(over, price.unitCents, price.unitSize),
    });
  }
  return lines;
}

export function computePeriodCost(input: {
  cycleAmountCents: number | null;
  cycleMonths: number;
  period: Period;
  covered: Period | null;
  usage: PeriodUsage;
  limits: Limits;
  overage: Record<Metric, OveragePrice | null>;
}): PeriodCost {
  const baseCents = baseCost(input);
  const lines = overageLines(input.usage, input.limits, input.overage);
  const overageCents = sumMinor(lines.map((l) => l.amountCents));
  return { baseCents, overageCents, costCents: sumMinor([baseCents, overageCents]), overageLines: lines };
}
