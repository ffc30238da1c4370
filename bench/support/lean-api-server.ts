/**
 * The benchmarks' "lean" comparison: server.ts without Next. The same start-up (lib/server/startup:
 * database, key-change listener, Stripe emulator, jobs runner) and the same API listener, on
 * node:http, but Next is never loaded in the process: what the app would cost if Next did not
 * share its process. PORT, DATABASE_URL, STRIPE_EMULATOR_PORT from the
 * environment; prints "listening" when ready.
 */
import http from "node:http";
import { getRequestListener } from "@hono/node-server";
import { apiApp, apiListener } from "../../lib/api";
import { startServer } from "../../lib/server/startup";

await startServer();
// LEAN_VIA_HONO=1: every request through the Hono app and its adapter (as before the Node fast path).
const viaHono = getRequestListener(apiApp().fetch, { overrideGlobalObjects: false });
const server = http.createServer(
  process.env.LEAN_VIA_HONO === "1" ? (req, res) => void viaHono(req, res) : apiListener(),
);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
