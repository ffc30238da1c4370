import {
  AgentBillClient,
  AuthenticationError,
  ConflictError,
  IdempotencyConflictError,
  NetworkError,
  ServerError,
  ValidationError,
} from "@agentbill/client";
import { describe, expect, it } from "vitest";

/** The client's retry policy and error types, with a fetch that answers what each case needs. */

function scripted(answers: (Response | Error)[]) {
  const bodies: unknown[] = [];
  let calls = 0;
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    bodies.push(init?.body ? JSON.parse(String(init.body)) : null);
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    if (a instanceof Error) throw a;
    return a.clone();
  };
  return { fetch, bodies, calls: () => calls };
}
const error = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ error: { code, message: `${code}!`, ...extra } }), { status });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });

const client = (fetch: typeof globalThis.fetch) =>
  new AgentBillClient({ baseUrl: "http://api.test/", apiKey: "agb_x", fetch, backoffMs: 1 });

describe("@agentbill/client", () => {
  it("maps error answers to typed errors and does not retry them", async () => {
    const cases: [Response, new (...args: never[]) => Error][] = [
      [error(400, "bad_request", { issues: [{ path: "amount", message: "no" }] }), ValidationError],
      [error(401, "unauthenticated"), AuthenticationError],
      [error(409, "idempotency_conflict", { idempotency_keys: ["k"] }), IdempotencyConflictError],
      [error(409, "conflict"), ConflictError],
    ];
    for (const [answer, type] of cases) {
      const s = scripted([answer]);
      const err = await client(s.fetch)
        .checkLimit("executions")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect(s.calls()).toBe(1);
    }
    const s = scripted([error(409, "idempotency_conflict", { idempotency_keys: ["k"] })]);
    const conflict = (await client(s.fetch)
      .ingest([{ metric: "executions", quantity: 1 }])
      .catch((e: unknown) => e)) as IdempotencyConflictError;
    expect(conflict.keys).toEqual(["k"]);
    expect(conflict.message).toBe("idempotency_conflict!");
  });

  it("retries network errors, 429 and 5xx with the same body (same idempotency keys), then succeeds", async () => {
    const s = scripted([
      new TypeError("socket hang up"),
      error(503, "upstream_unavailable"),
      error(429, "rate_limited"),
      ok({ accepted: 1, duplicates: 0 }),
    ]);
    expect(await client(s.fetch).ingest([{ metric: "executions", quantity: 2 }])).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(s.calls()).toBe(4);
    const keys = s.bodies.map((b) => (b as { events: { idempotency_key: string }[] }).events[0]!.idempotency_key);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("makes a new key for each call, and gives up after maxAttempts with a typed error", async () => {
    const s = scripted([ok({ id: "r" })]);
    const api = client(s.fetch);
    await api.reserve({ metric: "executions", amount: 1 });
    await api.reserve({ metric: "executions", amount: 1 });
    const [a, b] = s.bodies as { idempotency_key: string }[];
    expect(a!.idempotency_key).not.toBe(b!.idempotency_key);

    const down = scripted([error(502, "internal")]);
    expect(
      await client(down.fetch)
        .flags()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ServerError);
    expect(down.calls()).toBe(4);
    const gone = scripted([new TypeError("ECONNREFUSED")]);
    expect(
      await client(gone.fetch)
        .flags()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(NetworkError);
    expect(gone.calls()).toBe(4);
  });
});
