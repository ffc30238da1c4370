import { multiplyMinor, prorate, sumMinor } from "@/lib/money";

/**
 * Recurring revenue: one definition, used by the overview's MRR card and its chart alike.
 *
 * MRR at an instant is what subscriptions bill per month at that instant, read from the
 * subscription invoices: for each organization, the full-price subscription lines of its
 * latest-starting line period that contains the instant (an interval switch or an upgrade
 * starts a new one; prorations only settle the difference), on a paid invoice or an open
 * renewal (a past-due subscription still counts, as on Stripe; an unpaid first invoice does
 * not), each cycle's amount divided by its months (an annual line counts a twelfth, rounded
 * once per currency). ARR is MRR × 12. "Paying organizations" are the ones whose amount is
 * above zero. The card is this at now; the chart is this at each month's end (and now for the
 * current month), so the card is the chart's last point by construction.
 */

export type MoneyByCurrency = { currency: string; cents: number }[];

/** Sums of covering lines at one instant, grouped by currency and cycle length (from SQL). */
export type CoverGroup = { currency: string; months: number; cents: number };

export type RecurringAt = {
  mrr: MoneyByCurrency;
  arr: MoneyByCurrency;
  /** Organizations billed above zero at the instant. */
  paying: number;
};

/** Pure: MRR and ARR from the groups of one instant (a cycle's amount over its months, rounded once per currency and cycle). */
export function recurringFromGroups(groups: CoverGroup[], paying: number): RecurringAt {
  const byCurrency = new Map<string, number[]>();
  for (const g of groups) {
    const months = Math.max(1, Math.round(g.months));
    byCurrency.set(g.currency, [...(byCurrency.get(g.currency) ?? []), prorate(g.cents, 1, months)]);
  }
  const currencies = [...byCurrency.keys()].sort();
  const mrr = currencies.map((currency) => ({ currency, cents: sumMinor(byCurrency.get(currency)!) }));
  return { mrr, arr: mrr.map((m) => ({ currency: m.currency, cents: multiplyMinor(m.cents, 12) })), paying };
}

/** A covering line, for the reference computation the tests compare the SQL with. */
export type CoverLine = {
  organizationId: string;
  invoiceId: string;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  issuedAt: Date;
  amountCents: number;
};

/**
 * Pure reference of the definition over raw lines (already filtered to full-price subscription
 * lines of counted invoices): per organization the lines of its latest-starting period that
 * contains `at` (one invoice: the latest issued), grouped by currency and cycle length.
 */
export function coverGroupsAt(lines: CoverLine[], at: Date): { groups: CoverGroup[]; paying: number } {
  const t = at.getTime();
  const covering = lines.filter((l) => l.periodStart.getTime() <= t && l.periodEnd.getTime() > t);
  const chosen = new Map<string, CoverLine>();
  for (const l of covering) {
    const c = chosen.get(l.organizationId);
    const later =
      !c ||
      l.periodStart.getTime() > c.periodStart.getTime() ||
      (l.periodStart.getTime() === c.periodStart.getTime() &&
        (l.issuedAt.getTime() > c.issuedAt.getTime() ||
          (l.issuedAt.getTime() === c.issuedAt.getTime() && l.invoiceId > c.invoiceId)));
    if (later) chosen.set(l.organizationId, l);
  }
  const groups = new Map<string, CoverGroup>();
  const perOrg = new Map<string, number[]>();
  for (const l of covering) {
    const c = chosen.get(l.organizationId)!;
    if (l.invoiceId !== c.invoiceId || l.periodStart.getTime() !== c.periodStart.getTime()) continue;
    const months = cycleMonthsOf(l.periodStart, l.periodEnd);
    const key = `${l.currency}|${months}`;
    const g = groups.get(key) ?? { currency: l.currency, months, cents: 0 };
    g.cents = sumMinor([g.cents, l.amountCents]);
    groups.set(key, g);
    perOrg.set(l.organizationId, [...(perOrg.get(l.organizationId) ?? []), l.amountCents]);
  }
  const paying = [...perOrg.values()].filter((a) => sumMinor(a) > 0).length;
  return { groups: [...groups.values()], paying };
}

/** An average Gregorian month in seconds (the SQL divides by the same figure). */
export const SECONDS_PER_MONTH = 2_629_746;

/** The cycle length in whole months of a billed line period (a month: 1; a year: 12). */
export function cycleMonthsOf(start: Date, end: Date): number {
  return Math.max(1, Math.round((end.getTime() - start.getTime()) / 1000 / SECONDS_PER_MONTH));
}

/** Outstanding = due − paid, per currency. */
export function outstanding(rows: { currency: string; dueCents: number; paidCents: number }[]): MoneyByCurrency {
  return rows
    .map((r) => ({ currency: r.currency, cents: sumMinor([r.dueCents, -r.paidCents]) }))
    .filter((r) => r.cents !== 0);
}
