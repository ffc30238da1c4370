import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signatures like Stripe's: `AgentBill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` of
 * `${t}.${rawBody}`, keyed with the endpoint's secret exactly as shown to the admin (whsec_…).
 */
export const SIGNATURE_HEADER = "AgentBill-Signature";

export function newEndpointSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}

export function sign(secret: string, rawBody: string, t: number): string {
  const v1 = createHmac("sha256", secret).update(`${t}.${rawBody}`, "utf8").digest("hex");
  return `t=${t},v1=${v1}`;
}

/** What a receiver does (README): recompute, compare in constant time, refuse old timestamps. */
export function verifySignature(
  header: string | null | undefined,
  rawBody: string,
  secret: string,
  opts: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(sign(secret, rawBody, t).split("v1=")[1]!, "hex");
  return timingSafeEqual(expected, Buffer.from(parts.v1!, "hex"));
}

/** Secrets at rest: AES-256-GCM under a key derived from AUTH_SECRET (we must sign with them later). */
function keyOf(authSecret: string): Buffer {
  return createHash("sha256").update(`agentbill:outbound-webhooks:${authSecret}`).digest();
}

export function sealSecret(secret: string, authSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(authSecret), iv);
  const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64");
}

export function openSecret(sealed: string, authSecret: string): string {
  const raw = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(authSecret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
