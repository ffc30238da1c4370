/**
 * Money is integer minor units (cents for USD) plus an ISO currency. This module is the only
 * place that does arithmetic on amounts or turns them into text.
 */

import { minorUnitDigits } from "@agentbill/currencies";
import { numberFormat } from "@/lib/format";

/** Zero-decimal currencies have no minor unit: the amount is already in whole units (JPY). */
export { minorUnitDigits } from "@agentbill/currencies";

export function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`amount must be an integer number of minor units, got ${amount}`);
}

/** Format minor units for people: formatMoney(4900, "usd") === "$49.00". */
export function formatMoney(
  amount: number,
  currency: string,
  locale = "en-US",
  opts: { compact?: boolean } = {},
): string {
  assertMinorUnits(amount);
  const digits = minorUnitDigits(currency);
  const major = amount / 10 ** digits;
  const whole = opts.compact && Number.isInteger(major);
  return numberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: whole ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(major);
}

/** Sum of amounts, checked to stay exact. */
export function sumMinor(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) {
    assertMinorUnits(a);
    total += a;
  }
  assertMinorUnits(total);
  return total;
}

/** −amount, checked (a credit of −2646 is 2646 credited). */
export function negateMinor(amount: number): number {
  assertMinorUnits(amount);
  return amount === 0 ? 0 : -amount;
}

/** unit × quantity, exact. */
export function multiplyMinor(unitAmount: number, quantity: number): number {
  assertMinorUnits(unitAmount);
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be an integer, got ${quantity}`);
  const out = unitAmount * quantity;
  assertMinorUnits(out);
  return out;
}

/**
 * A share of an amount: amount × numerator / denominator, rounded half away from zero to whole
 * minor units (Stripe rounds proration amounts the same way). Uses BigInt so large amounts stay exact.
 */
export function prorate(amount: number, numerator: number, denominator: number): number {
  assertMinorUnits(amount);
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0)
    throw new RangeError("proration needs integer numerator and positive integer denominator");
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  const negative = n < BigInt(0);
  const abs = negative ? -n : n;
  const q = (abs * BigInt(2) + d) / (BigInt(2) * d);
  return Number(negative ? -q : q);
}

/**
 * Proration of a per-unit price over the rest of a period, in Stripe's manner: the amount
 * for `quantity` units for the `remainingSeconds` of a `periodSeconds` period.
 */
export function prorateForRemaining(
  unitAmount: number,
  quantity: number,
  remainingSeconds: number,
  periodSeconds: number,
): number {
  return prorate(
    multiplyMinor(unitAmount, quantity),
    Math.max(0, Math.min(remainingSeconds, periodSeconds)),
    periodSeconds,
  );
}

/** Overage cost for `units` beyond the limit at `unitCents` per `unitSize` units, rounded up to a whole unit block. */
export function overageCost(units: number, unitCents: number, unitSize = 1): number {
  if (units <= 0) return 0;
  const blocks = Math.ceil(units / unitSize);
  return multiplyMinor(unitCents, blocks);
}

/** Percentage saved by paying `annual` once instead of 12 × `monthly`; whole percent, rounded down. */
export function annualSavingPercent(monthly: number, annual: number): number {
  const yearAtMonthly = multiplyMinor(monthly, 12);
  if (yearAtMonthly <= 0) return 0;
  return Math.floor(((yearAtMonthly - annual) * 100) / yearAtMonthly);
}

/** What 12 months at the monthly price cost minus the annual price (minor units). */
export function annualSaving(monthly: number, annual: number): number {
  return multiplyMinor(monthly, 12) - annual;
}

/** Compare two recurring amounts over different cycle lengths (in months) without rounding: -1, 0 or 1. */
export function compareRecurring(a: { amount: number; months: number }, b: { amount: number; months: number }): number {
  const left = BigInt(a.amount) * BigInt(b.months);
  const right = BigInt(b.amount) * BigInt(a.months);
  return left === right ? 0 : left > right ? 1 : -1;
}

/**
 * Stripe's `*_decimal` fields are decimal strings of minor units ("4900", "12.5"). Read one as
 * whole minor units, rounding half away from zero, without going through floating point.
 */
export function parseMinorDecimal(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return null;
  const [, sign, whole, frac = ""] = m;
  let n = BigInt(whole!);
  if (frac.length > 0 && Number(frac[0]) >= 5) n += BigInt(1);
  const out = Number(n);
  if (!Number.isSafeInteger(out)) return null;
  return sign === "-" ? -out : out;
}

/**
 * An amount typed by a person in major units ("420", "420.5", "1,250.00") as minor units
 * (42000, 42050, 125000 for USD; "5000" is 5000 for JPY). Null when it is not a plain
 * non-negative amount with at most the currency's decimals. No floating point.
 */
export function parseMajorAmount(text: string, currency: string): number | null {
  const digits = minorUnitDigits(currency);
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return null;
  const whole = m[1]!.replace(/,/g, "");
  const frac = m[2] ?? "";
  if (frac.length > digits) return null;
  const out = Number(BigInt(whole + frac.padEnd(digits, "0")));
  return Number.isSafeInteger(out) ? out : null;
}

/**
 * How an invoice's total meets the customer's balance at Stripe (negative balance = credit).
 * Stripe applies the balance when it finalizes: amount due = max(0, total + balance), and what
 * is left below zero stays as credit. All amounts are minor units and never negative here.
 */
export type BalanceOutcome = {
  subtotalCents: number;
  totalCents: number;
  /** What will be charged. */
  amountDueCents: number;
  /** Credit from the balance that pays (part of) this invoice. */
  creditAppliedCents: number;
  /** An owed balance added to this invoice. */
  balanceAddedCents: number;
  /** A credit-only invoice (negative total): what it adds to the credit balance. */
  creditAddedCents: number;
  /** Credit left on the balance afterwards. */
  creditAfterCents: number;
};

/** Pure: the balance arithmetic of one invoice from its total and the balance before it. */
export function applyCustomerBalance(inv: {
  subtotalCents: number;
  totalCents: number;
  amountDueCents: number;
  startingBalanceCents: number;
}): BalanceOutcome {
  const { totalCents: total, startingBalanceCents: balance } = inv;
  const after = sumMinor([total, balance]);
  const positiveTotal = Math.max(0, total);
  return {
    subtotalCents: inv.subtotalCents,
    totalCents: total,
    amountDueCents: inv.amountDueCents,
    creditAppliedCents: balance < 0 ? Math.min(negateMinor(balance), positiveTotal) : 0,
    balanceAddedCents: balance > 0 ? balance : 0,
    creditAddedCents: total < 0 ? negateMinor(total) : 0,
    creditAfterCents: Math.max(0, negateMinor(after)),
  };
}
