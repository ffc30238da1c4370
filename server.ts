/**
 * The app's one HTTP server (`npm start`, `npm run dev`): one port, `$PORT` (default 3000).
 *
 * - `/api/v1/*` and `/api/webhooks/stripe` go to the platform API (lib/api), which shares lib/
 *   with the rest of the app: its routes are served straight from Node's request and response,
 *   anything else through its Hono app; no Next routing or web-stream conversion on the hot path.
 * - Everything else (pages, server actions, the admin, other route handlers) goes to Next's
 *   request handler.
 *
 * Start-up (lib/server/startup.ts) runs before the first request: configuration checks, the
 * client-address stamp (lib/http/client-address.ts) on every request this server receives, the
 * database, API-key invalidation, the local Stripe emulator and the jobs runner (on PostgreSQL in
 * a worker thread of this process, dist/jobs-thread.cjs: lib/jobs/thread.ts). SIGTERM stops it.
 *
 * Bundled by scripts/build-server.mjs into dist/server.cjs (and the jobs thread into dist/jobs-thread.cjs). `--dev` runs Next in development mode.
 */
import http from "node:http";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import next from "next";

const dev = process.argv.includes("--dev");
const dir = process.cwd();

async function main(): Promise<void> {
  // As `next start` / `next dev` do: the mode first, then .env files, before anything reads env().
  // eslint-disable-next-line no-restricted-properties -- the mode must be set before lib/env reads it.
  (process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
  loadEnvConfig(dir, dev);
  const { env } = await import("@/lib/env");
  const { startServer, stopServer } = await import("@/lib/server/startup");
  const { apiListener, isApiPath } = await import("@/lib/api");
  // On PostgreSQL the scheduled jobs run in a thread of this process, from the bundle beside this one.
  await startServer({ jobsThread: { entry: path.join(__dirname, "jobs-thread.cjs"), dev, dir } });
  const e = env();
  const port = e.port ?? 3000;

  // Upgrades (the dev HMR websocket /_next/hmr, websocket rewrites) are Next's: it adds its own
  // "upgrade" listener to `httpServer` when it handles its first request. `getUpgradeHandler()`
  // is not that handler (it does nothing in a custom server), so this server adds none. From
  // 127.0.0.1 the HMR socket also needs next.config.ts's allowedDevOrigins.
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  const app = next({ dev, dir, port, hostname: e.host ?? "localhost", httpServer: server });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const handleApi = apiListener();
  server.on("request", (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (isApiPath(pathname)) handleApi(req, res);
    else void handleNext(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, e.host, resolve);
  });
  console.log(`AgentBill ready on http://${e.host ?? "localhost"}:${port} (${dev ? "development" : "production"})`);

  const stop = () => {
    setTimeout(() => process.exit(0), 5_000).unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const jobsStopped = stopServer().catch((err: unknown) => console.error(err));
    void Promise.all([closed, jobsStopped]).then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
