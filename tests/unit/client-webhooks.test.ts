import {
  constructWebhookEvent,
  generateWebhookTestHeader,
  verifyWebhookSignature,
  webhooks,
  WebhookSignatureError,
  type WebhookEvent,
  type WebhookSignatureErrorReason,
} from "@agentbill/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventBody } from "@/lib/outbound-webhooks/delivery";
import { newEndpointSecret, sign } from "@/lib/outbound-webhooks/signing";

/**
 * @agentbill/client's webhook verification against the server's real signer (lib/outbound-webhooks):
 * what AgentBill sends verifies; anything else fails with a typed reason.
 */

const T = 1_900_000_000;
const at = (seconds: number) => () => seconds * 1000;

function reasonOf(fn: () => unknown): WebhookSignatureErrorReason | "no error" {
  try {
    fn();
    return "no error";
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookSignatureError);
    expect((err as Error).message.length).toBeGreaterThan(10);
    return (err as WebhookSignatureError).reason;
  }
}

const body = eventBody({
  id: "evt_0123",
  type: "usage.threshold_crossed",
  createdAt: new Date(T * 1000),
  data: {
    organizationId: "3f1c1c9e-8d1c-4a39-9d6e-1f2d3c4b5a69",
    metric: "executions",
    threshold: 80,
    used: 800,
    limit: 1000,
    periodStart: "2030-03-01T00:00:00.000Z",
  },
});

describe("constructWebhookEvent", () => {
  const secret = newEndpointSecret();

  it("accepts what the server signs and returns the event typed by its type", () => {
    const header = sign(secret, body, T);
    const event: WebhookEvent = constructWebhookEvent(body, header, secret, { now: at(T + 10) });
    expect(event).toMatchObject({ id: "evt_0123", object: "event", type: "usage.threshold_crossed", created: T });
    if (event.type !== "usage.threshold_crossed") throw new Error("narrowing");
    // Typed: data.metric, data.threshold… (a compile error if the type lost them).
    expect([event.data.metric, event.data.threshold, event.data.used, event.data.limit]).toEqual([
      "executions",
      80,
      800,
      1000,
    ]);
    // Bytes work as well as a string, and the Stripe-style namespace is the same function.
    expect(webhooks.constructEvent(Buffer.from(body), header, secret, { now: at(T) }).id).toBe("evt_0123");
    expect(verifyWebhookSignature(new Uint8Array(Buffer.from(body)), header, secret, { now: at(T) })).toBe(T);
  });

  it("accepts any of several v1 entries (a rolled secret's grace period), and several secrets", () => {
    const newer = newEndpointSecret();
    const header = sign([newer, secret], body, T);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature(body, header, newer, { now: at(T) })).toBe(T);
    expect(verifyWebhookSignature(body, header, secret, { now: at(T) })).toBe(T);
    expect(reasonOf(() => verifyWebhookSignature(body, header, newEndpointSecret(), { now: at(T) }))).toBe(
      "signature_mismatch",
    );
    // A receiver that accepts either of its own two secrets while it rotates.
    expect(verifyWebhookSignature(body, sign(newer, body, T), [secret, newer], { now: at(T) })).toBe(T);
    // An array header (Node's repeated headers) is joined.
    expect(verifyWebhookSignature(body, [sign(secret, body, T)], secret, { now: at(T) })).toBe(T);
  });

  it("refuses stale and future timestamps outside the tolerance (300 s by default)", () => {
    const header = sign(secret, body, T);
    expect(verifyWebhookSignature(body, header, secret, { now: at(T + 300) })).toBe(T);
    expect(reasonOf(() => verifyWebhookSignature(body, header, secret, { now: at(T + 301) }))).toBe(
      "timestamp_out_of_tolerance",
    );
    expect(reasonOf(() => verifyWebhookSignature(body, header, secret, { now: at(T - 301) }))).toBe(
      "timestamp_out_of_tolerance",
    );
    expect(verifyWebhookSignature(body, header, secret, { now: at(T + 3600), toleranceSeconds: 3600 })).toBe(T);
    expect(verifyWebhookSignature(body, header, secret, { now: () => new Date(0), toleranceSeconds: Infinity })).toBe(
      T,
    );
    // The real clock by default: a header of "now" verifies, one of an hour ago does not.
    const fresh = generateWebhookTestHeader(body, secret);
    expect(constructWebhookEvent(body, fresh, secret).id).toBe("evt_0123");
    const old = generateWebhookTestHeader(body, secret, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(reasonOf(() => constructWebhookEvent(body, old, secret))).toBe("timestamp_out_of_tolerance");
  });

  it("refuses malformed headers, wrong secrets and bodies that are not events, each with its reason", () => {
    const good = sign(secret, body, T);
    const v1 = good.split("v1=")[1]!;
    const cases: [unknown, WebhookSignatureErrorReason][] = [
      [undefined, "missing_header"],
      [null, "missing_header"],
      ["", "missing_header"],
      ["   ", "missing_header"],
      [`v1=${v1}`, "malformed_header"],
      [`t=${T}`, "no_signatures"],
      [`t=${T},v0=${v1}`, "no_signatures"],
      [`t=${T},t=${T},v1=${v1}`, "malformed_header"],
      [`t=abc,v1=${v1}`, "malformed_header"],
      [`t=-${T},v1=${v1}`, "malformed_header"],
      [`t=${T},v1=${v1.slice(2)}`, "malformed_header"],
      [`t=${T},v1=${"z".repeat(64)}`, "malformed_header"],
      [`t=${T},v1`, "malformed_header"],
      [`t=${T},,v1=${v1}`, "malformed_header"],
      [`t=${T},${`v1=${v1},`.repeat(300)}`, "malformed_header"],
      [`t=${T + 1},v1=${v1}`, "signature_mismatch"],
      [`t=${T},v1=${"0".repeat(64)}`, "signature_mismatch"],
    ];
    for (const [header, reason] of cases)
      expect(
        reasonOf(() => verifyWebhookSignature(body, header as string, secret, { now: at(T) })),
        String(header).slice(0, 60),
      ).toBe(reason);
    // Upper-case hex and spaces around parts are accepted; unknown schemes are ignored.
    expect(verifyWebhookSignature(body, ` t=${T} , v0=abc, v1=${v1.toUpperCase()} `, secret, { now: at(T) })).toBe(T);
    expect(reasonOf(() => verifyWebhookSignature(body, good, `${secret}x`, { now: at(T) }))).toBe("signature_mismatch");
    expect(reasonOf(() => verifyWebhookSignature(body, good, "", { now: at(T) }))).toBe("missing_secret");
    expect(reasonOf(() => verifyWebhookSignature(body, good, [], { now: at(T) }))).toBe("missing_secret");
    // Re-serialised JSON is not the raw body.
    expect(
      reasonOf(() => verifyWebhookSignature(JSON.stringify(JSON.parse(body), null, 2), good, secret, { now: at(T) })),
    ).toBe("signature_mismatch");
    for (const notEvent of ["not json", "[]", "null", '{"id":"evt_1","type":"x"}'])
      expect(reasonOf(() => constructWebhookEvent(notEvent, sign(secret, notEvent, T), secret, { now: at(T) }))).toBe(
        "invalid_payload",
      );
  });

  it("property: any body and secret the server signs round-trip (string and bytes)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (raw, key, t) => {
          const header = sign(key, raw, t);
          expect(verifyWebhookSignature(raw, header, key, { now: at(t) })).toBe(t);
          expect(verifyWebhookSignature(Buffer.from(raw, "utf8"), header, key, { now: at(t) })).toBe(t);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: any single-byte change of the body, or any other secret, fails", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (bytes, index, delta, key) => {
          // The server signs text: take the bytes' UTF-8 round trip as the body actually sent.
          const sent = Buffer.from(Buffer.from(bytes).toString("utf8"), "utf8");
          const header = sign(key, sent.toString("utf8"), T);
          expect(verifyWebhookSignature(sent, header, key, { now: at(T) })).toBe(T);
          const changed = Buffer.from(sent);
          const i = index % changed.length;
          changed[i] = (changed[i]! + delta) % 256;
          expect(reasonOf(() => verifyWebhookSignature(changed, header, key, { now: at(T) }))).toBe(
            "signature_mismatch",
          );
          expect(reasonOf(() => verifyWebhookSignature(sent, header, `${key}!`, { now: at(T) }))).toBe(
            "signature_mismatch",
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: a test header made by the client verifies against the server's signature format", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 40 }), (raw, key) => {
        expect(generateWebhookTestHeader(raw, key, { timestamp: T })).toBe(sign(key, raw, T));
      }),
      { numRuns: 200 },
    );
  });
});
