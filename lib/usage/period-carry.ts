import "server-only";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { usageCounters } from "@/db/schema";
import type { Queryable } from "@/db/types";
import type { Period } from "@/lib/plans/period";
import { lockForRebuild } from "./ingest-sql";
import { periodsOverlapping, usagePeriodFor, type PeriodSource } from "./periods";

/**
 * Usage periods across plan and cycle changes. A change can move the period source (the calendar
 * on Free; a subscription's anchor and cycle): Stripe starts a new billing period at an interval
 * change, and subscribing moves from calendar months to the subscription's periods. Without care
 * the executions counter would start again at 0 in the middle of a month.
 *
 * The rule: a change in the middle of a usage period ends that period at the change and starts
 * the next one there, with the executions used so far carried in (`usage_counters.carried`, part
 * of `value`; reconciliation adds it back to the events' sum). Gauges keep their value (the latest
 * observation counts, whatever period it was reported in). A change at a period's natural end
 * (a cancellation taking effect, a renewal) carries nothing: the new source starts where the
 * current period starts. The source records when it took over (`subscriptions.usage_periods_from`).
 */

const SAME_PERIOD_MS = 60_000;

/**
 * Call with the organization's billing lock held, in the transaction that writes the new
 * subscription row, before writing it. Answers the `usage_periods_from` the row should get
 * (`undefined`: keep what it has).
 */
export async function carryUsageAcrossChange(
  tx: Queryable,
  input: { organizationId: string; before: PeriodSource; after: PeriodSource; now: Date },
): Promise<Date | null | undefined> {
  const { organizationId, now } = input;
  const current = usagePeriodFor(input.before, now);
  const next = usagePeriodFor({ ...input.after, from: null }, now);
  // The same period (Stripe's times are whole seconds; a period set up by hand may carry milliseconds).
  if (Math.abs(next.start.getTime() - current.start.getTime()) < SAME_PERIOD_MS) return input.before.from ?? null;
  if (next.start.getTime() < current.start.getTime()) {
    // The new source's period began before the current one (e.g. Free's calendar month after a
    // paid period ended): it starts where the current period starts, and ends as the new source says.
    const end = usagePeriodFor({ ...input.after, from: current.start }, now).end;
    await tx
      .update(usageCounters)
      .set({ periodEnd: end, updatedAt: now })
      .where(and(eq(usageCounters.organizationId, organizationId), eq(usageCounters.periodStart, current.start)));
    return current.start;
  }
  if (next.start.getTime() >= current.end.getTime()) return undefined;

  // In the middle of the current period: end it now, at the change, and carry its executions in
  // (Stripe's new anchor is this moment too; our clock decides, so every event counted in the
  // ending period happened before the new one starts).
  const at = now;
  const end = usagePeriodFor({ ...input.after, from: at }, now).end;
  await lockForRebuild(tx, organizationId);
  const [row] = await tx
    .select({ value: usageCounters.value })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.organizationId, organizationId),
        eq(usageCounters.metric, "executions"),
        eq(usageCounters.periodStart, current.start),
      ),
    );
  const carried = row?.value ?? 0;
  await tx
    .update(usageCounters)
    .set({ periodEnd: at, updatedAt: now })
    .where(
      and(
        eq(usageCounters.organizationId, organizationId),
        eq(usageCounters.periodStart, current.start),
        gt(usageCounters.periodEnd, at),
      ),
    );
  await tx
    .insert(usageCounters)
    .values({
      organizationId,
      metric: "executions",
      periodStart: at,
      periodEnd: end,
      value: carried,
      carried,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [usageCounters.organizationId, usageCounters.metric, usageCounters.periodStart],
      set: {
        value: sql`${usageCounters.value} - ${usageCounters.carried} + ${carried}`,
        carried,
        periodEnd: end,
        updatedAt: now,
      },
    });
  return at;
}

/**
 * The usage periods overlapping [from, to) as they were: before the current source took over,
 * the periods that were recorded (counter rows, with their real ends); from then on, the
 * source's. Reconciliation and period close use it, so they never invent a period re-sliced
 * from a newer anchor.
 */
export async function knownPeriods(
  db: Queryable,
  organizationId: string,
  source: PeriodSource,
  from: Date,
  to: Date,
): Promise<Period[]> {
  const since = source.from;
  if (!since || from.getTime() >= since.getTime()) return periodsOverlapping(source, from, to);
  const stored = await db
    .selectDistinct({ start: usageCounters.periodStart, end: usageCounters.periodEnd })
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.organizationId, organizationId),
        lt(usageCounters.periodStart, since),
        gt(usageCounters.periodEnd, from),
        lt(usageCounters.periodStart, to),
      ),
    )
    .orderBy(usageCounters.periodStart);
  const before = stored.map((p) => ({ start: p.start, end: p.end.getTime() > since.getTime() ? since : p.end }));
  const seen = new Set<number>();
  const out: Period[] = [];
  for (const p of [...before, ...(since.getTime() < to.getTime() ? periodsOverlapping(source, since, to) : [])]) {
    if (seen.has(p.start.getTime())) continue;
    seen.add(p.start.getTime());
    out.push(p);
  }
  return out;
}
