/**
 * The benchmarks' "lean" comparison: server.ts without Next. The same start-up (lib/server/startup:
 * database, key-change listener, Stripe emulator, jobs runner) and the same Hono app through the
 * same adapter, on node:http, but Next is never loaded in the process. What the app would cost
 * if Next did not share its process. PORT, DATABASE_URL, STRIPE_EMULATOR_PORT from the
 * environment; prints "listening" when ready.
 */
import http from "node:http";
import { getRequestListener } from "@hono/node-server";
import { apiApp } from "../../lib/api";
import { startServer } from "../../lib/server/startup";

await startServer();
const handleApi = getRequestListener(apiApp().fetch, { overrideGlobalObjects: false });
const server = http.createServer((req, res) => void handleApi(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
