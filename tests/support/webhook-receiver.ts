import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A webhook receiver on loopback for tests: records every request (headers, raw body) and answers
 * what the test says — a status code, or "hang" to never answer (the sender's timeout).
 */
export type ReceivedRequest = { headers: http.IncomingHttpHeaders; body: string; at: number };
export type Answer = number | "hang";

export type Receiver = {
  url: string;
  requests: ReceivedRequest[];
  /** What the next requests get (default 200), or a list consumed one per request, then the default. */
  answer: (...answers: Answer[]) => void;
  close: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let queue: Answer[] = [];
  let standing: Answer = 200;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const a = queue.length > 0 ? queue.shift()! : standing;
      if (a === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(a, { "content-type": "application/json" }).end(JSON.stringify({ received: a < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/agentbill`,
    requests,
    answer(...answers) {
      if (answers.length === 1) {
        queue = [];
        standing = answers[0]!;
      } else queue = answers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
