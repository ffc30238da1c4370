import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 string (rejection sampling keeps the distribution uniform). */
export function base62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Stripe-style ids: `cus_…` (14 chars) and the longer `sub_1…`-style ones (24 chars). */
const LONG_PREFIXES = new Set([
  "sub",
  "in",
  "il",
  "pi",
  "ch",
  "price",
  "evt",
  "clock",
  "ii",
  "seti",
  "pm",
  "inpay",
  "req",
]);

export function newId(prefix: string): string {
  return `${prefix}_${base62(LONG_PREFIXES.has(prefix) ? 24 : 14)}`;
}

export function newRequestId(): string {
  return `req_${base62(14)}`;
}

export function clientSecret(id: string): string {
  return `${id}_secret_${base62(25)}`;
}

/** Customer invoice prefixes look like `7FE1103A`: 8 upper-case hex-ish characters. */
export function invoicePrefix(): string {
  return randomBytes(4).toString("hex").toUpperCase();
}
