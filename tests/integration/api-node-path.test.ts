import { request } from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { callApi } from "../support/api";
import { apiWithProOrg } from "./api-fixture";
import type { TestOrg } from "./usage-fixtures";

/**
 * Under the Node server (server.ts) the platform API reads bodies from the socket's stream and
 * writes JSON answers straight to Node's response; called through its fetch (tests, other
 * hosts) it uses web Requests and Responses. Both must answer the same status, body and headers
 * for every kind of answer: 200s, errors, a status of the route's own, big and multi-byte
 * bodies, too-large bodies, unknown paths and methods.
 */

const fixture = apiWithProOrg();
let baseUrl: string;
let org: TestOrg;
beforeAll(() => void ({ baseUrl, org } = fixture));

type Case = { name: string; method: string; path: string; body?: string; headers?: Record<string, string> };

/** Headers whose values differ by nature between two answers. */
// content-length: a web Response made in memory has none; over Node it is set (and checked below).
const VARYING = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

async function answer(res: Response) {
  const headers = Object.fromEntries([...res.headers].filter(([name]) => !VARYING.has(name)));
  return { status: res.status, headers, body: await res.text() };
}

async function both(c: Case) {
  const init = () => ({
    method: c.method,
    headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json", ...c.headers },
    ...(c.body === undefined ? {} : { body: c.body }),
  });
  const overNode = await answer(await fetch(`${baseUrl}${c.path}`, init()));
  const throughFetch = await answer(await callApi(new Request(`http://127.0.0.1${c.path}`, init())));
  return { overNode, throughFetch };
}

let n = 0;
const key = () => `node-path-${Date.now()}-${n++}`;
const event = (k: string, quantity = 1) => ({
  metric: "executions",
  quantity,
  idempotency_key: k,
  occurred_at: new Date().toISOString(),
});

describe("the platform API answers the same over Node and through fetch", () => {
  const cases: (() => Case)[] = [
    () => ({
      name: "limit check",
      method: "POST",
      path: "/api/v1/limits/check",
      body: JSON.stringify({ metric: "executions", amount: 5 }),
    }),
    () => ({
      name: "bad field",
      method: "POST",
      path: "/api/v1/limits/check",
      body: JSON.stringify({ metric: "executions", amount: -1 }),
    }),
    () => ({
      name: "__proto__ key",
      method: "POST",
      path: "/api/v1/limits/check",
      body: '{"metric":"executions","__proto__":{"amount":5}}',
    }),
    () => ({ name: "not JSON", method: "POST", path: "/api/v1/limits/check", body: "{metric:" }),
    () => ({
      name: "too large",
      method: "POST",
      path: "/api/v1/limits/check",
      body: JSON.stringify({ metric: "executions", amount: 1, pad: "x".repeat(20_000) }),
    }),
    () => ({
      name: "too large, no content-length (chunked)",
      method: "POST",
      path: "/api/v1/limits/check",
      body: JSON.stringify({ metric: "executions", amount: 1, pad: "é".repeat(12_000) }),
    }),
    () => ({ name: "no key", method: "POST", path: "/api/v1/limits/check", headers: { authorization: "" } }),
    () => ({ name: "unknown path", method: "GET", path: "/api/v1/nothing-here" }),
    () => ({ name: "wrong method", method: "DELETE", path: "/api/v1/limits/check" }),
    () => ({ name: "usage summary (GET with query)", method: "GET", path: "/api/v1/usage" }),
    () => ({ name: "usage summary with a query string", method: "GET", path: "/api/v1/usage?from=2020-01-01" }),
    () => ({ name: "HEAD of a GET route", method: "HEAD", path: "/api/v1/flags" }),
    () => ({
      name: "a query string on a route that reads none",
      method: "POST",
      path: "/api/v1/limits/check?amount=5",
      body: JSON.stringify({ metric: "executions" }),
    }),
    () => ({
      name: "a path parameter (an unknown reservation)",
      method: "POST",
      path: "/api/v1/reservations/00000000-0000-4000-8000-000000000000/commit",
      body: JSON.stringify({ amount: 1 }),
    }),
    () => ({
      name: "a path parameter of the wrong shape",
      method: "POST",
      path: "/api/v1/reservations/not-an-id/commit",
      body: JSON.stringify({ amount: 1 }),
    }),
    () => ({ name: "an encoded path", method: "POST", path: "/api/v1/limits%2Fcheck", body: "{}" }),
    () => ({ name: "a trailing slash", method: "POST", path: "/api/v1/limits/check/", body: "{}" }),
    () => ({
      name: "webhook with a bad signature (the route's own status)",
      method: "POST",
      path: "/api/webhooks/stripe",
      body: JSON.stringify({ id: "evt_1", type: "customer.created" }),
      headers: { "stripe-signature": "t=1,v1=00" },
    }),
  ];
  for (const make of cases) {
    const c = make();
    it(c.name, async () => {
      const { overNode, throughFetch } = await both(c);
      expect(overNode.status).toBeGreaterThanOrEqual(200);
      expect(overNode.status).toBeLessThan(500);
      expect(overNode).toEqual(throughFetch);
      if (overNode.body) expect(() => JSON.parse(overNode.body) as unknown).not.toThrow();
      if (c.name === "__proto__ key") {
        expect(overNode.status).toBe(400);
        expect(overNode.body).toContain("__proto__: is not a field here");
      }
      // The API's security headers are on every answer of both paths.
      expect(overNode.headers["x-content-type-options"]).toBe("nosniff");
    });
  }

  it("writes a batch once whichever path it came by, with multi-byte text, and answers alike", async () => {
    const k = key();
    const body = JSON.stringify({ events: [event(`${k}-ünïcødé-✓-日本`, 3)] });
    const first = await answer(await fetch(`${baseUrl}/api/v1/usage/events`, post(body)));
    const replay = await answer(await callApi(new Request("http://127.0.0.1/api/v1/usage/events", post(body))));
    expect(first.body).toContain('"accepted":1');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ accepted: 1, duplicates: 0 });
    expect(JSON.parse(replay.body)).toEqual({ accepted: 0, duplicates: 1 });
    expect(first.headers).toEqual(replay.headers);
  });

  it("a repeated Authorization header is read whole on both paths (Node's headers keep only the first)", async () => {
    const body = JSON.stringify({ metric: "executions", amount: 1 });
    const overNode = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${baseUrl}/api/v1/limits/check`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          // A list of raw headers: sent as they are, so name Host too.
          headers: [
            "host",
            url.host,
            "authorization",
            `Bearer ${org.key}`,
            "authorization",
            "Bearer agb_other",
            "content-type",
            "application/json",
          ],
        },
        (r) => {
          let text = "";
          r.on("data", (d: Buffer) => (text += d.toString()));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const headers = new Headers([
      ["authorization", `Bearer ${org.key}`],
      ["authorization", "Bearer agb_other"],
      ["content-type", "application/json"],
    ]);
    const throughFetch = await callApi(
      new Request("http://127.0.0.1/api/v1/limits/check", { method: "POST", headers, body }),
    );
    expect(overNode.status).toBe(401);
    expect({ status: overNode.status, body: overNode.text }).toEqual({
      status: throughFetch.status,
      body: await throughFetch.text(),
    });
  });

  it("a body split over many small chunks is read whole", async () => {
    const k = key();
    const body = JSON.stringify({ events: [event(k)] });
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(`${baseUrl}/api/v1/usage/events`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
        },
        (r) => {
          let text = "";
          r.on("data", (d: Buffer) => (text += d.toString()));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      for (const ch of body) req.write(ch);
      req.end();
    });
    expect(res.text).toContain('"accepted":1');
    expect(res.status).toBe(200);
  });
});

function post(body: string): RequestInit {
  return {
    method: "POST",
    headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
    body,
  };
}
