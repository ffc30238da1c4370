/**
 * Stripe's currency facts, shared by the app (lib/money) and the Stripe emulator
 * (packages/stripe-emulator) so the list exists once. It imports nothing.
 */

/** Currencies Stripe treats as zero-decimal: the amount is already in whole units. */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Digits after the decimal point of a currency's minor unit (0 for JPY, 2 for USD); any case. */
export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase()) ? 0 : 2;
}
