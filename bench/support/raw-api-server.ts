/**
 * The benchmarks' raw baseline: plain node:http with the same service calls (and so the same SQL)
 * as the platform API routes, without Hono, Next or the custom server. PORT and DATABASE_URL
 * from the environment; prints "listening" when ready.
 */
import http from "node:http";
import { openDatabase } from "../../db/connect";
import { authenticateApiKey } from "../../lib/auth/api-keys";
import { AppError } from "../../lib/errors";
import { ingestGrouped } from "../../lib/usage/group-commit";
import { checkLimit } from "../../lib/usage/limits";
import { commitReservation, reserveUsage } from "../../lib/usage/reservations";

const database = await openDatabase({ url: process.env.DATABASE_URL!, max: 10 });

async function handle(req: http.IncomingMessage, body: unknown): Promise<[number, unknown]> {
  const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const caller = await authenticateApiKey(database.db, key);
  const org = caller.organization.id;
  const url = req.url ?? "/";
  if (url === "/api/v1/limits/check") {
    const { metric, amount } = body as { metric: "executions"; amount: number };
    const c = await checkLimit(database.db, org, metric, amount);
    return [
      200,
      {
        metric: c.metric,
        allowed: c.allowed,
        limit: c.limit,
        used: c.used,
        reserved: c.reserved,
        remaining: c.remaining,
        overage: c.overage,
        reason: c.reason,
      },
    ];
  }
  if (url === "/api/v1/reservations") return [200, await reserveUsage(database.db, org, body)];
  const commit = /^\/api\/v1\/reservations\/([^/]+)\/commit$/.exec(url);
  if (commit) return [200, await commitReservation(database.db, org, commit[1]!, body)];
  if (url === "/api/v1/usage/events") return [200, await ingestGrouped(database.db, org, body)];
  return [404, { error: { code: "not_found", message: url } }];
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: unknown = null;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : null;
    } catch {
      body = null;
    }
    handle(req, body).then(
      ([status, out]) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(out));
      },
      (err: unknown) => {
        const status = err instanceof AppError ? err.status : 500;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: { code: err instanceof AppError ? err.code : "internal", message: String(err) } }),
        );
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
