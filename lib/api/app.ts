import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { getDb } from "@/db/client";
import { authenticateApiKey, type ApiKeyCaller } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { AppError, suspensionMessage } from "@/lib/errors";
import { errorResponse, parseJsonBody, parseParams, parseWith } from "@/lib/http/errors";
import { json, jsonBody } from "@/lib/http/json";
import { requestIsHttps, securityHeaders } from "@/lib/http/security-headers";
import { honoPath, Reply, type AnyRoute } from "./define";

/**
 * The platform API's HTTP layer: a Hono app serving the route declarations of lib/api/routes,
 * mounted by the custom server (server.ts) in front of Next for `/api/v1/*` and
 * `/api/webhooks/stripe`. Every answer is JSON with the API security headers
 * (lib/http/security-headers, the same function proxy.ts applies to what Next serves); every
 * error is `{ error: { code, message, … } }` (lib/http/errors).
 */

const DEFAULT_MAX_BYTES = 10_000;
/** Bodies the service parses itself (documentedBody): only the sanitiser's rules apply here. Built once. */
const ANY_JSON = z.unknown();

export async function readBody(req: Request, maxBytes: number): Promise<unknown> {
  return parseJsonText(await readText(req, undefined, maxBytes));
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
}

/**
 * The body as text, at most `maxBytes` characters. Under the Node server it is read from the
 * socket's stream itself (no web Request and ReadableStream built around it); elsewhere (tests
 * calling the app's fetch) from the Request.
 */
async function readText(req: Request, incoming: IncomingMessage | undefined, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  let text: string;
  if (incoming) text = await readIncoming(incoming, maxBytes * 3, tooLarge);
  else text = await req.text();
  if (text.length > maxBytes) throw tooLarge();
  return text;
}

/**
 * The socket's body as UTF-8 text, refused past `limit` bytes (UTF-8 needs at most 3 bytes per
 * UTF-16 unit: past that the text is surely too long). Listeners, not `for await`: an async
 * iterator costs several promises per chunk, and the hot path's bodies are one chunk.
 */
function readIncoming(incoming: IncomingMessage, limit: number, tooLarge: () => AppError): Promise<string> {
  if (incoming.readableEnded) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (err?: unknown) => {
      incoming.off("data", onData).off("end", onEnd).off("error", done).off("close", onClose);
      if (err) reject(err);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        done(tooLarge());
        incoming.resume();
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, bytes).toString("utf8"));
    };
    const onClose = () => done(new AppError("bad_request", "The request body ended early."));
    incoming.on("data", onData).on("end", onEnd).on("error", done).on("close", onClose);
  });
}

/** `Authorization: Bearer agb_…` → the caller; a suspended organization gets 403 with the reason. */
export async function apiKeyCaller(db: Awaited<ReturnType<typeof getDb>>, req: Request): Promise<ApiKeyCaller> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const caller = await authenticateApiKey(db, match?.[1]?.trim());
  if (caller.organization.status === "suspended")
    throw new AppError("suspended", suspensionMessage(caller.organization, env().seller.email));
  return caller;
}

type NodeBindings = Partial<HttpBindings> | undefined;

function serve(route: AnyRoute, apiHeaders: (c: Context) => Record<string, string>) {
  return async (c: Context): Promise<Response> => {
    const req = c.req.raw;
    const node = c.env as NodeBindings;
    const db = await getDb();
    const caller = route.auth === "api_key" ? await apiKeyCaller(db, req) : undefined;
    // A path parameter of the wrong shape names nothing we have: 404 with the schema's message (lib/input/ids.ts).
    const params = route.params ? parseParams(route.params, c.req.param()) : undefined;
    const query = route.query ? parseWith(route.query, c.req.query(), "query") : undefined;
    const maxBytes = route.maxBytes ?? DEFAULT_MAX_BYTES;
    let text: Promise<string> | undefined;
    const rawBody = () => (text ??= readText(req, node?.incoming, maxBytes));
    let body: unknown;
    if (route.body || route.documentedBody) {
      const raw = parseJsonText(await rawBody());
      // A body the service parses itself still passes the string sanitiser (lib/input/text.ts) first.
      body = route.body ? parseJsonBody(route.body, raw) : parseWith(ANY_JSON, raw, "request body");
    }
    const out = await route.handler({ db, req, rawBody, body, query, params, caller });
    if (out instanceof Response) return out;
    const [status, data] = out instanceof Reply ? [out.status, out.body] : [200, out];
    if (node?.outgoing) return sendJson(node.outgoing, c, status, data, apiHeaders(c));
    return json(data, { status });
  };
}

/**
 * The hot path's answer: JSON written straight to Node's response, with the same headers as
 * `json()` plus the API's security headers. Building a web Response for Hono's adapter to read
 * back cost the busiest routes more CPU than their own work (limit checks, ingest, webhooks).
 */
function sendJson(
  outgoing: ServerResponse,
  c: Context,
  status: number,
  data: unknown,
  headers: Record<string, string>,
): Response {
  const { body, headers: bodyHeaders } = jsonBody(data);
  outgoing.writeHead(status, { ...headers, ...bodyHeaders });
  outgoing.end(c.req.method === "HEAD" ? undefined : body);
  return RESPONSE_ALREADY_SENT;
}

/** 405 with `Allow` (GET brings HEAD; OPTIONS answers 204 with the same list). */
function methodNotAllowed(method: string, path: string, methods: string[]): Response {
  const upper = methods.map((m) => m.toUpperCase());
  const allow = [...upper, ...(upper.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
  const res = errorResponse(
    new AppError("method_not_allowed", `${method} is not allowed on ${path}: use ${upper.join(" or ")}.`, {
      allow: allow.split(", "),
    }),
  );
  res.headers.set("allow", allow);
  return res;
}

export function createApiApp(routes: readonly AnyRoute[]): Hono {
  const app = new Hono();
  const headers = {
    http: securityHeaders({ kind: "api", https: false }),
    https: securityHeaders({ kind: "api", https: true }),
  };
  const apiHeaders = (c: Context) =>
    requestIsHttps(c.req.raw.headers, c.req.url, env().appUrl) ? headers.https : headers.http;
  app.use(async (c, next) => {
    await next();
    // Answers written straight to Node's response (sendJson) carry these already.
    if (c.res === RESPONSE_ALREADY_SENT) return;
    for (const [name, value] of Object.entries(apiHeaders(c))) c.res.headers.set(name, value);
  });
  for (const route of routes) app.on(route.method.toUpperCase(), honoPath(route.path), serve(route, apiHeaders));
  // A path we serve, asked with another method: 405 naming the methods it has (after the routes above).
  const methodsOf = new Map<string, string[]>();
  for (const route of routes) methodsOf.set(route.path, [...(methodsOf.get(route.path) ?? []), route.method]);
  for (const [path, methods] of methodsOf)
    app.all(honoPath(path), (c) => methodNotAllowed(c.req.method, path, methods));
  app.notFound((c) =>
    errorResponse(new AppError("not_found", `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
  );
  app.onError((err) => errorResponse(err));
  return app;
}
