import http from "node:http";
import type { AddressInfo } from "node:net";
import { AgentBillClient, NetworkError, nodeTransport, ServerError } from "@agentbill/client";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The client's default transport (node:http over keep-alive connections) against a real HTTP
 * server in this process: what arrives, reuse of connections, and each way an attempt can fail
 * (no answer, an answer cut off, a refused connection), which the client must retry as network
 * errors with the same idempotency key.
 */

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; socket: number };

let servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

async function serve(answer: (req: Seen, res: http.ServerResponse, n: number) => void) {
  const seen: Seen[] = [];
  const sockets = new Map<object, number>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      const s = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        socket: sockets.get(req.socket)!,
      };
      seen.push(s);
      answer(s, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

describe("@agentbill/client over node:http (the default transport)", () => {
  it("sends the method, path, key, JSON body and its byte length, and reuses one connection", async () => {
    const { url, seen } = await serve((_s, res) => json(res, 200, { allowed: true, note: "ünïcødé ✓" }));
    const api = new AgentBillClient({ baseUrl: url, apiKey: "agb_test" });
    const first = await api.checkLimit("executions", 3);
    expect(first).toEqual({ allowed: true, note: "ünïcødé ✓" });
    await api.reserve({ metric: "executions", amount: 2, idempotency_key: "é-key" });
    await api.flags();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /api/v1/limits/check",
      "POST /api/v1/reservations",
      "GET /api/v1/flags",
    ]);
    expect(seen[0]!.headers.authorization).toBe("Bearer agb_test");
    expect(JSON.parse(seen[1]!.body)).toEqual({ metric: "executions", amount: 2, idempotency_key: "é-key" });
    expect(Number(seen[1]!.headers["content-length"])).toBe(Buffer.byteLength(seen[1]!.body));
    expect(seen[2]!.body).toBe("");
    // Sequential calls ride one kept-alive connection.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it("gives an attempt that gets no answer up at its deadline and retries it with the same key", async () => {
    const { url, seen } = await serve((_s, res, n) => {
      if (n === 1) return; // never answers
      json(res, 200, { id: "r1", allowed: true });
    });
    const api = new AgentBillClient({ baseUrl: url, apiKey: "agb_test", timeoutMs: 200, backoffMs: 1 });
    const started = Date.now();
    expect(await api.reserve({ metric: "executions", amount: 1 })).toMatchObject({ id: "r1" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(seen).toHaveLength(2);
    expect(JSON.parse(seen[0]!.body).idempotency_key).toBe(JSON.parse(seen[1]!.body).idempotency_key);
  });

  it("treats an answer cut off mid-body as a network error, and retries", async () => {
    const { url, seen } = await serve((_s, res, n) => {
      if (n === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"accepted":');
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      json(res, 200, { accepted: 1, duplicates: 0 });
    });
    const api = new AgentBillClient({ baseUrl: url, apiKey: "agb_test", backoffMs: 1 });
    expect(await api.ingest([{ metric: "executions", quantity: 1 }])).toEqual({ accepted: 1, duplicates: 0 });
    expect(seen).toHaveLength(2);
  });

  it("ends with a typed NetworkError when nothing listens, and a ServerError after repeated 503s", async () => {
    const closed = await serve(() => {});
    const port = new URL(closed.url).port;
    servers[0]!.close();
    servers = [];
    const refused = await new AgentBillClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: "agb_test",
      maxAttempts: 2,
      backoffMs: 1,
    })
      .flags()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetworkError);
    expect((refused as Error).message).toMatch(/GET \/api\/v1\/flags/);

    const { url, seen } = await serve((_s, res) =>
      json(res, 503, { error: { code: "unavailable", message: "later" } }),
    );
    const down = await new AgentBillClient({ baseUrl: url, apiKey: "agb_test", maxAttempts: 3, backoffMs: 1 })
      .flags()
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(3);
  });

  it("refuses a URL that is neither http nor https", async () => {
    await expect(
      nodeTransport()("ftp://example.test/x", { method: "GET", headers: {}, timeoutMs: 1000 }),
    ).rejects.toThrow(/Unsupported protocol ftp:/);
  });
});
