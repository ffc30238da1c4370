import { hash, randomBytes } from "node:crypto";

/** Organization API keys: `agb_` + 40 base62 characters. Only the SHA-256 and a short prefix are stored. */
export const API_KEY_PREFIX = "agb_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** SHA-256 in hex, one-shot (crypto.hash: a fifth of createHash's CPU; every API request hashes its key). */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** The part shown in lists so people can tell keys apart (never enough to use). */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const bytes = randomBytes(40);
  let body = "";
  for (const b of bytes) body += ALPHABET[b % ALPHABET.length];
  const key = API_KEY_PREFIX + body;
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}
