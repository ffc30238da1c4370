import { invoiceLines, invoices, usageEvents } from "@/db/schema";
import type { Db } from "@/db/types";
import { multiplyMinor } from "@/lib/money";
import { catalogPlan, addMonths, calendarMonth, usagePeriodAt, type Period } from "@/lib/plans";
import { rebuildCounters, rebuildDaily, startOfUtcDay } from "@/lib/usage";
import { SEEDED_INVOICE_MEMO, type DemoOrg } from "./data";

/**
 * The demo's history: 90 days of usage per organization (a deterministic stream, so reseeding
 * gives the same history) and its past invoices.
 */

/**
 * When a demo organization signed up: a little before its first seeded invoice (paid plans) and
 * before its usage history starts, so the admin's "new this month" and signups chart tell a
 * history, not five signups today.
 */
export function demoCreatedAt(o: DemoOrg, now: Date): Date {
  const daysBeforeHistory = { acme: 20, globex: 45, initech: 12, umbrella: 3, hooli: 30 }[o.slug] ?? 10;
  const historyStart = now.getTime() - (HISTORY_DAYS + 1) * 86_400_000;
  let first = historyStart;
  if (o.plan !== "free") {
    const current = paidPeriod(o, now);
    const months = o.cycle === "annual" ? 12 : 1;
    const count = o.cycle === "annual" ? 2 : 3;
    first = Math.min(first, addMonths(current.start, -months * (count - 1)).getTime());
  }
  return new Date(first - daysBeforeHistory * 86_400_000);
}

/** The seeded billing period of a demo organization at `now` (its calendar month on Free). */
export function paidPeriod(o: DemoOrg, now: Date): Period {
  if (o.plan === "free" || !o.anchor) return calendarMonth(now);
  // Find the period of the cycle containing now, anchored on the given month/day of last year.
  const anchor = new Date(Date.UTC(now.getUTCFullYear() - 1, o.anchor.month, o.anchor.day));
  const months = o.cycle === "annual" ? 12 : 1;
  let start = anchor;
  while (addMonths(start, months).getTime() <= now.getTime()) start = addMonths(start, months);
  return { start, end: addMonths(start, months) };
}

/** A deterministic pseudo-random stream per organization, so reseeding gives the same history. */
function rng(seed: string): () => number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HISTORY_DAYS = 90;

export async function seedUsage(db: Db, organizationId: string, o: DemoOrg, now: Date): Promise<void> {
  const rand = rng(o.slug);
  const today = startOfUtcDay(now);
  const rows: (typeof usageEvents.$inferInsert)[] = [];
  const lerp = ([a, b]: [number, number], t: number) => a + (b - a) * t;
  for (let i = HISTORY_DAYS; i >= 0; i--) {
    const day = new Date(today.getTime() - i * 86_400_000);
    const key = day.toISOString().slice(0, 10);
    const t = (HISTORY_DAYS - i) / HISTORY_DAYS;
    const weekday = day.getUTCDay();
    const weekFactor = weekday === 0 || weekday === 6 ? 0.55 : 1.12;
    const growth = 0.85 + 0.3 * t;
    const dayTotal = Math.round(o.usage.executionsPerDay * weekFactor * growth * (0.85 + 0.3 * rand()));
    for (let slot = 0; slot < 4; slot++) {
      const at = new Date(day.getTime() + (3 + slot * 6) * 3_600_000);
      if (at >= now) continue;
      rows.push({
        organizationId,
        metric: "executions",
        quantity: Math.round(dayTotal / 4),
        occurredAt: at,
        idempotencyKey: `seed-${key}-exec-${slot}`,
      });
    }
    // Gauges are read at noon; today's reading is taken before now when noon is still ahead, so
    // the latest values are the data's end values at any time of day (the README quotes them).
    const noon = new Date(Math.min(day.getTime() + 12 * 3_600_000, now.getTime() - 1_000));
    rows.push({
      organizationId,
      metric: "agents",
      quantity: Math.round(lerp(o.usage.agents, t)),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-agents`,
    });
    rows.push({
      organizationId,
      metric: "gateways",
      quantity: Math.round(lerp(o.usage.gateways, t)),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-gateways`,
    });
    rows.push({
      organizationId,
      metric: "storage_bytes",
      quantity: Math.round(lerp(o.usage.storageGb, t) * 1_000_000_000),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-storage`,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(usageEvents)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
  const from = new Date(today.getTime() - HISTORY_DAYS * 86_400_000);
  await rebuildDaily(db, { from, to: now, organizationId });
  // Counters for every usage period the history touches, so graphs and records have them.
  const billing = paidPeriod(o, now);
  const periods: Period[] = [];
  let p = o.plan === "free" ? calendarMonth(now) : usagePeriodAt(billing, o.cycle, now);
  while (p.end.getTime() > from.getTime()) {
    periods.push(p);
    const prevEnd = p.start;
    p = { start: addMonths(prevEnd, -1), end: prevEnd };
  }
  for (const period of periods) await rebuildCounters(db, organizationId, period);
}

export async function seedInvoices(
  db: Db,
  organizationId: string,
  o: DemoOrg,
  seats: number,
  current: Period,
  now: Date,
): Promise<void> {
  if (o.plan === "free") return;
  const plan = catalogPlan(o.plan);
  const unit =
    o.custom?.pricePerSeatCents ??
    (o.cycle === "annual" ? plan.pricePerSeatAnnualCents : plan.pricePerSeatMonthlyCents) ??
    0;
  const months = o.cycle === "annual" ? 12 : 1;
  const count = o.cycle === "annual" ? 2 : 3;
  for (let k = count; k >= 1; k--) {
    const start = addMonths(current.start, -months * (k - 1));
    const end = addMonths(start, months);
    if (start.getTime() > now.getTime()) continue;
    const n = count - k + 1;
    const number = `${o.slug.toUpperCase()}-${String(n).padStart(4, "0")}`;
    const total = multiplyMinor(unit, seats);
    const unpaid = o.status === "past_due" && k === 1;
    const [inv] = await db
      .insert(invoices)
      .values({
        organizationId,
        source: "manual",
        number,
        status: unpaid ? "open" : "paid",
        currency: "usd",
        subtotalCents: total,
        totalCents: total,
        amountDueCents: total,
        amountPaidCents: unpaid ? 0 : total,
        periodStart: start,
        periodEnd: end,
        dueDate: start,
        paidAt: unpaid ? null : start,
        billingReason: n === 1 ? "subscription_create" : "subscription_cycle",
        attemptCount: 1,
        memo: SEEDED_INVOICE_MEMO,
        issuedAt: start,
      })
      .onConflictDoNothing()
      .returning({ id: invoices.id });
    if (!inv) continue;
    await db.insert(invoiceLines).values({
      invoiceId: inv.id,
      kind: "subscription",
      description: `${plan.name} plan × ${seats} seat${seats === 1 ? "" : "s"} (${o.cycle})`,
      quantity: seats,
      unitAmountCents: unit,
      amountCents: total,
      currency: "usd",
      periodStart: start,
      periodEnd: end,
    });
  }
}
