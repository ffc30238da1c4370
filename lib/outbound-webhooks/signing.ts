import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

/**
 * Signatures like Stripe's: `AgentBill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` of
 * `${t}.${rawBody}`, keyed with the endpoint's secret exactly as shown to the admin (whsec_…).
 */
export const SIGNATURE_HEADER = "AgentBill-Signature";

export function newEndpointSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}

/**
 * The header for one delivery: one `v1` per secret (the current one first; the previous one too
 * while a rolled secret's grace period lasts). Receivers verify with @agentbill/client's
 * `constructWebhookEvent` (packages/client/src/webhooks.ts), which accepts any matching `v1`.
 */
export function sign(secrets: string | readonly string[], rawBody: string, t: number): string {
  const list = typeof secrets === "string" ? [secrets] : secrets;
  if (list.length === 0) throw new Error("sign: no secret");
  const v1 = list.map((s) => `v1=${createHmac("sha256", s).update(`${t}.${rawBody}`, "utf8").digest("hex")}`);
  return [`t=${t}`, ...v1].join(",");
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
