import { createHmac, timingSafeEqual } from "node:crypto";
import { AgentBillError } from "./errors";
import type { WebhookEvent } from "./webhook-events";

/**
 * Verifying AgentBill's webhooks (Node; no AgentBill server code). Each POST carries
 * `AgentBill-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each `v1` is
 * HMAC-SHA256 of `${t}.${rawBody}` keyed with one of the endpoint's signing secrets, exactly as
 * shown (`whsec_…`). While a rolled secret's grace period lasts there are two `v1` entries (new
 * and old secret), so a receiver holding either one verifies.
 */

export const WEBHOOK_SIGNATURE_HEADER = "AgentBill-Signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookSignatureErrorReason =
  /** No AgentBill-Signature header (or an empty one). */
  | "missing_header"
  /** The header is not `t=…,v1=…`: no or several timestamps, a part without `=`, a `v1` that is not 64 hex digits. */
  | "malformed_header"
  /** The header has a timestamp but no `v1` signature. */
  | "no_signatures"
  /** The timestamp is further than the tolerance from now (a replay, or a badly wrong clock). */
  | "timestamp_out_of_tolerance"
  /** No `v1` matches the body under the secret(s): a wrong secret, or a body changed on the way (parsed and re-serialised?). */
  | "signature_mismatch"
  /** The signature is good but the body is not an AgentBill event. */
  | "invalid_payload"
  /** No secret was given (an unset environment variable?). */
  | "missing_secret";

export class WebhookSignatureError extends AgentBillError {
  override name = "WebhookSignatureError";
  readonly reason: WebhookSignatureErrorReason;
  constructor(reason: WebhookSignatureErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export type RawBody = string | Uint8Array;
export type SignatureHeader = string | readonly string[] | null | undefined;

export type VerifyOptions = {
  /** Seconds the timestamp may be away from now (default 300). `Infinity` skips the check. */
  toleranceSeconds?: number;
  /** The clock (default `Date.now`): a Date or milliseconds since the epoch. */
  now?: () => Date | number;
};

const MAX_HEADER_LENGTH = 4096;
const MAX_SIGNATURES = 16;
const HEX64 = /^[0-9a-f]{64}$/i;

function fail(reason: WebhookSignatureErrorReason, message: string): never {
  throw new WebhookSignatureError(reason, message);
}

function parseHeader(header: SignatureHeader): { t: number; signatures: Buffer[] } {
  // Node gives repeated headers as an array; one AgentBill-Signature is sent.
  const value = Array.isArray(header) ? header.join(",") : (header as string | null | undefined);
  if (typeof value !== "string" || value.trim() === "")
    fail("missing_header", `No ${WEBHOOK_SIGNATURE_HEADER} header: this request was not signed by AgentBill.`);
  if (value.length > MAX_HEADER_LENGTH) fail("malformed_header", `The ${WEBHOOK_SIGNATURE_HEADER} header is too long.`);
  let t: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of value.split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) fail("malformed_header", `The ${WEBHOOK_SIGNATURE_HEADER} header has a part without "=": ${part}`);
    const key = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (key === "t") {
      if (t !== undefined) fail("malformed_header", `The ${WEBHOOK_SIGNATURE_HEADER} header has several timestamps.`);
      if (!/^\d{1,12}$/.test(v)) fail("malformed_header", `The timestamp is not a number of seconds: ${v}`);
      t = Number(v);
    } else if (key === "v1") {
      if (!HEX64.test(v)) fail("malformed_header", "A v1 signature is not 64 hexadecimal digits.");
      if (signatures.length === MAX_SIGNATURES) fail("malformed_header", "Too many v1 signatures.");
      signatures.push(Buffer.from(v, "hex"));
    }
    // Other schemes (v0, a future v2) are ignored, as Stripe's libraries do.
  }
  if (t === undefined) fail("malformed_header", `The ${WEBHOOK_SIGNATURE_HEADER} header has no timestamp (t=…).`);
  if (signatures.length === 0) fail("no_signatures", `The ${WEBHOOK_SIGNATURE_HEADER} header has no v1 signature.`);
  return { t, signatures };
}

function expectedSignature(secret: string, t: number, payload: RawBody): Buffer {
  const hmac = createHmac("sha256", secret).update(`${t}.`, "utf8");
  if (typeof payload === "string") hmac.update(payload, "utf8");
  else hmac.update(payload);
  return hmac.digest();
}

function secretsOf(secret: string | readonly string[]): string[] {
  const list = (typeof secret === "string" ? [secret] : [...secret]).filter((s) => typeof s === "string" && s !== "");
  if (list.length === 0)
    fail("missing_secret", "No signing secret given: pass the endpoint's whsec_… secret (is its variable set?).");
  return list;
}

/**
 * Checks a delivery's signature and returns its timestamp (unix seconds). Throws
 * `WebhookSignatureError` (with `reason`) when the header is missing or malformed, the timestamp
 * is outside the tolerance, or no `v1` matches under any of `secret` (pass several while you
 * rotate on your side). `payload` must be the raw body: the exact bytes received, not re-serialised JSON.
 */
export function verifyWebhookSignature(
  payload: RawBody,
  header: SignatureHeader,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): number {
  if (typeof payload !== "string" && !(payload instanceof Uint8Array))
    throw new TypeError("The payload must be the raw body as a string or bytes (Buffer, Uint8Array).");
  const secrets = secretsOf(secret);
  const { t, signatures } = parseHeader(header);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowValue = options.now ? options.now() : Date.now();
  const nowSeconds = Math.floor((typeof nowValue === "number" ? nowValue : nowValue.getTime()) / 1000);
  if (Math.abs(nowSeconds - t) > tolerance)
    fail(
      "timestamp_out_of_tolerance",
      `The signature's timestamp is ${Math.abs(nowSeconds - t)} s from now (tolerance ${tolerance} s): a replay, or a wrong clock.`,
    );
  let matched = false;
  for (const s of secrets) {
    const expected = expectedSignature(s, t, payload);
    // Compare with every entry (no early exit): timingSafeEqual on equal lengths (32 bytes each).
    for (const given of signatures) if (timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched)
    fail(
      "signature_mismatch",
      "No signature matches this body under the given secret: check the secret, and pass the raw body exactly as received.",
    );
  return t;
}

/**
 * Verifies the signature (as `verifyWebhookSignature`) and returns the event, typed by its `type`
 * — the equivalent of Stripe's `webhooks.constructEvent`.
 */
export function constructWebhookEvent(
  payload: RawBody,
  header: SignatureHeader,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): WebhookEvent {
  verifyWebhookSignature(payload, header, secret, options);
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    fail("invalid_payload", "The body is signed but is not JSON.");
  }
  const e = event as Record<string, unknown> | null;
  if (
    !e ||
    typeof e !== "object" ||
    Array.isArray(e) ||
    e.object !== "event" ||
    typeof e.id !== "string" ||
    typeof e.type !== "string" ||
    typeof e.created !== "number" ||
    !e.data ||
    typeof e.data !== "object"
  )
    fail(
      "invalid_payload",
      "The body is signed but is not an AgentBill event ({ id, object: 'event', type, created, data }).",
    );
  return e as unknown as WebhookEvent;
}

/**
 * A valid header for `payload` (your receiver's tests): `t=<now>,v1=…` with one `v1` per secret.
 * AgentBill's own deliveries are made the same way.
 */
export function generateWebhookTestHeader(
  payload: RawBody,
  secret: string | readonly string[],
  options: { timestamp?: number } = {},
): string {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000);
  const v1 = secretsOf(secret).map((s) => `v1=${expectedSignature(s, t, payload).toString("hex")}`);
  return [`t=${t}`, ...v1].join(",");
}

/** Stripe-style namespace: `webhooks.constructEvent(rawBody, header, secret)`. */
export const webhooks = {
  constructEvent: constructWebhookEvent,
  verifySignature: verifyWebhookSignature,
  generateTestHeader: generateWebhookTestHeader,
  signatureHeader: WEBHOOK_SIGNATURE_HEADER,
} as const;
