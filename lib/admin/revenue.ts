import { multiplyMinor, prorate, sumMinor } from "@/lib/money";

/**
 * Recurring revenue from grouped subscriptions (pure, so it is unit-tested). Each group is
 * subscriptions sharing a currency, cycle and unit price; the SQL only counts seats and
 * subscriptions, and all money arithmetic happens here through lib/money.
 */

export type PriceGroup = {
  currency: string;
  cycle: "monthly" | "annual";
  perSeat: boolean;
  /** Custom (Enterprise) price per seat, which is always per seat. */
  custom: boolean;
  /** Price per seat (or flat) per cycle in minor units; null = custom and not set. */
  unitCents: number | null;
  seats: number;
  subscriptions: number;
};

export type MoneyByCurrency = { currency: string; cents: number }[];

export type Recurring = {
  mrr: MoneyByCurrency;
  arr: MoneyByCurrency;
  /** Subscriptions with an amount above zero. */
  paying: number;
  /** Custom-priced subscriptions without a price: not counted in MRR. */
  unpriced: number;
};

/** MRR = monthly amounts + annual amounts / 12 (rounded once per currency); ARR = monthly × 12 + annual. */
export function recurringRevenue(groups: PriceGroup[]): Recurring {
  const monthly = new Map<string, number[]>();
  const annual = new Map<string, number[]>();
  let paying = 0;
  let unpriced = 0;
  for (const g of groups) {
    if (g.unitCents === null) {
      unpriced += g.subscriptions;
      continue;
    }
    const amount =
      g.perSeat || g.custom ? multiplyMinor(g.unitCents, g.seats) : multiplyMinor(g.unitCents, g.subscriptions);
    if (amount > 0) paying += g.subscriptions;
    const bucket = g.cycle === "annual" ? annual : monthly;
    bucket.set(g.currency, [...(bucket.get(g.currency) ?? []), amount]);
  }
  const currencies = [...new Set([...monthly.keys(), ...annual.keys()])].sort();
  const mrr: MoneyByCurrency = [];
  const arr: MoneyByCurrency = [];
  for (const currency of currencies) {
    const m = sumMinor(monthly.get(currency) ?? []);
    const a = sumMinor(annual.get(currency) ?? []);
    mrr.push({ currency, cents: sumMinor([m, prorate(a, 1, 12)]) });
    arr.push({ currency, cents: sumMinor([multiplyMinor(m, 12), a]) });
  }
  return { mrr, arr, paying, unpriced };
}

/** An invoice's share of one month: its total over the months its period covers (1 or 12). */
export function monthlyShare(totalCents: number, periodMonths: number): number {
  return prorate(totalCents, 1, Math.max(1, periodMonths));
}

/** Outstanding = due − paid, per currency. */
export function outstanding(rows: { currency: string; dueCents: number; paidCents: number }[]): MoneyByCurrency {
  return rows
    .map((r) => ({ currency: r.currency, cents: sumMinor([r.dueCents, -r.paidCents]) }))
    .filter((r) => r.cents !== 0);
}
