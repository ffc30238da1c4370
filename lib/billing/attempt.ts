import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";

/**
 * Idempotency keys for the Stripe calls that move money. A key names one *attempt* with its
 * exact parameters: `<kind>-<attempt id>-<hash of the request>`. The attempt id is carried by
 * the caller (the plan dialog keeps one per attempt, so a double click or a retry of a request
 * whose answer was lost reuses it); the hash covers the whole request and the card it will be
 * charged to, so a new attempt after a failure (another card, another quantity, another price)
 * can never reuse a key Stripe stored with other parameters, and a decline Stripe stored under
 * one key never answers the next attempt. Concurrent attempts are serialised by the
 * organization's billing lock; the key makes a retry of the same attempt one Stripe object.
 */

export const attemptIdSchema = z
  .string({ error: "The attempt id is not valid. Reload the page and try again." })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "The attempt id is not valid. Reload the page and try again.");

/** A fresh attempt id (server-side callers that don't carry one: every call is its own attempt). */
export function newAttemptId(): string {
  return randomUUID();
}

/** JSON with object keys sorted at every level (undefined fields left out), so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The key of one attempt: `request` is everything that decides what Stripe does (the endpoint,
 * the object, the parameters sent, and the payment method the charge falls on even when the
 * request doesn't name it).
 */
export function attemptKey(kind: string, attemptId: string, request: Record<string, unknown>): string {
  const id = attemptIdSchema.parse(attemptId);
  const digest = createHash("sha256").update(canonicalJson(request), "utf8").digest("base64url").slice(0, 32);
  return `${kind}-${id}-${digest}`;
}
