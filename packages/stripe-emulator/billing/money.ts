/** Money is always an integer amount in the currency's minor unit. */

import { minorUnitDigits } from "@agentbill/currencies";

const SYMBOLS: Record<string, string> = { usd: "$", eur: "€", gbp: "£", jpy: "¥", cad: "CA$", aud: "A$" };

/** `2000, "usd"` → `$20.00`; `-550, "eur"` → `-€5.50`. Integer arithmetic only. */
export function formatMoney(amount: number, currency: string): string {
  const cur = currency.toLowerCase();
  const symbol = SYMBOLS[cur] ?? `${cur.toUpperCase()} `;
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  if (minorUnitDigits(cur) === 0) return `${sign}${symbol}${abs}`;
  const major = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, "0");
  return `${sign}${symbol}${major.toLocaleString("en-US")}.${minor}`;
}

/**
 * Prorated amount: round(unit_amount × quantity × remaining / period). The ratio is the only
 * floating-point step; the result is rounded back to an integer minor-unit amount.
 */
export function prorate(unitAmount: number, quantity: number, remainingSeconds: number, periodSeconds: number): number {
  if (periodSeconds <= 0 || remainingSeconds <= 0) return 0;
  const remaining = Math.min(remainingSeconds, periodSeconds);
  return Math.round((unitAmount * quantity * remaining) / periodSeconds);
}
