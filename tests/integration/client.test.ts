import {
  AgentBillClient,
  AuthenticationError,
  IdempotencyConflictError,
  NotFoundError,
  ValidationError,
} from "@agentbill/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { apiWithProOrg } from "./api-fixture";
import { countRows, type TestOrg } from "./usage-fixtures";

/**
 * The typed client (packages/client) against the platform API over real HTTP: typed answers,
 * typed errors, and retries that never write twice (a lost answer, a 503).
 */

const fixture = apiWithProOrg();
let database: Database;
let baseUrl: string;
let org: TestOrg;
beforeAll(() => void ({ database, baseUrl, org } = fixture));

/** A fetch that sends every request but loses the first `lose` answers (as a dropped connection would). */
function losingFetch(lose: number): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    fetch: async (input, init) => {
      calls++;
      const res = await fetch(input, init);
      if (calls > lose) return res;
      await res.arrayBuffer(); // the server did the work; its answer never arrives
      throw new TypeError("fetch failed: socket hang up");
    },
  };
}

describe("@agentbill/client", () => {
  it("reserves, checks and commits with typed answers", async () => {
    const api = new AgentBillClient({ baseUrl, apiKey: org.key });
    const hold = await api.reserve({ metric: "executions", amount: 300 });
    expect(hold).toMatchObject({ allowed: true, status: "active", remaining: 700 });
    const check = await api.checkLimit("executions", 800);
    expect(check).toMatchObject({ allowed: false, reserved: 300, used: 0 });
    const done = await api.commit(hold.id, 120);
    expect(done).toMatchObject({ status: "committed", committed_quantity: 120 });
    expect((await api.getReservation(hold.id)).status).toBe("committed");
    const usage = await api.usage();
    expect(usage.metrics.find((m) => m.metric === "executions")).toMatchObject({ used: 120, reserved: 0 });
  });

  it("retries a call whose answer was lost with the same idempotency key: one reservation, one event", async () => {
    const lossy = losingFetch(2);
    const api = new AgentBillClient({ baseUrl, apiKey: org.key, fetch: lossy.fetch, backoffMs: 1 });
    const before = await countRows(database.db, "usage_events", org.id);
    const r = await api.ingest([{ metric: "executions", quantity: 7 }]);
    // The first two attempts were written and their answers lost: the third is a replay.
    expect(lossy.calls()).toBe(3);
    expect(r).toEqual({ accepted: 0, duplicates: 1 });
    expect(await countRows(database.db, "usage_events", org.id)).toBe(before + 1);

    // A reservation whose first answer was lost: still one reservation.
    const lossy2 = losingFetch(1);
    const api2 = new AgentBillClient({ baseUrl, apiKey: org.key, fetch: lossy2.fetch, backoffMs: 1 });
    const held = (await new AgentBillClient({ baseUrl, apiKey: org.key }).checkLimit("executions", 0)).reserved;
    const hold = await api2.reserve({ metric: "executions", amount: 50 });
    expect(hold.allowed).toBe(true);
    expect((await api2.checkLimit("executions", 0)).reserved).toBe(held + 50);
  });

  it("retries 503 answers with backoff", async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls < 3)
        return new Response(JSON.stringify({ error: { code: "upstream_unavailable", message: "busy" } }), {
          status: 503,
        });
      return fetch(input, init);
    };
    const api = new AgentBillClient({ baseUrl, apiKey: org.key, fetch: flaky, backoffMs: 1 });
    expect((await api.flags()).organization.id).toBe(org.id);
    expect(calls).toBe(3);
  });

  it("throws typed errors", async () => {
    const api = new AgentBillClient({ baseUrl, apiKey: org.key });
    const bad = await api.checkLimit("tokens" as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.length).toBeGreaterThan(0);
    const wrongKey = new AgentBillClient({ baseUrl, apiKey: "agb_not_a_real_key" });
    expect(await wrongKey.flags().catch((e: unknown) => e)).toBeInstanceOf(AuthenticationError);
    expect(await api.getReservation(crypto.randomUUID()).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    const at = new Date().toISOString();
    await api.ingest([{ idempotency_key: "fixed", metric: "executions", quantity: 1, occurred_at: at }]);
    const conflict = await api
      .ingest([{ idempotency_key: "fixed", metric: "executions", quantity: 2, occurred_at: at }])
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(IdempotencyConflictError);
    expect((conflict as IdempotencyConflictError).keys).toEqual(["fixed"]);
    expect((conflict as IdempotencyConflictError).status).toBe(409);
  });
});
