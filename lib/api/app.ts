import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono, type Context } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
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
  return parseJsonText(await readText(requestCall(req), maxBytes));
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
}

/**
 * What serving a route reads from its request: from Node's own request when there is one (no web
 * Request, Headers or ReadableStream built around it), otherwise from a web Request (tests
 * calling the app's fetch, other hosts).
 */
type Call = {
  /** A request header as a web `Headers.get` answers it: repeated values joined with ", ", or null. */
  header(name: string): string | null;
  incoming: IncomingMessage | undefined;
  /** The web Request (built on first use when served from Node). */
  req(): Request;
  params(): Record<string, string>;
  query(): Record<string, string>;
};

const requestCall = (req: Request): Call => ({
  header: (name) => req.headers.get(name),
  incoming: undefined,
  req: () => req,
  params: () => ({}),
  query: () => ({}),
});

/**
 * A header of Node's request as `Headers.get` gives it: from `rawHeaders` (which the client-address
 * stamp keeps in step with `headers`), every value of the name in order, joined with ", ". Node's
 * `headers` keeps only the first of some repeated headers (Authorization among them).
 */
function rawHeader(incoming: IncomingMessage, name: string): string | null {
  const raw = incoming.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toLowerCase() === name)
      value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/**
 * The body as text, at most `maxBytes` characters. Under the Node server it is read from the
 * socket's stream itself; elsewhere from the Request.
 */
async function readText(call: Pick<Call, "header" | "incoming" | "req">, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);
  if (Number(call.header("content-length") ?? 0) > maxBytes) throw tooLarge();
  let text: string;
  if (call.incoming) text = await readIncoming(call.incoming, maxBytes * 3, tooLarge);
  else text = await call.req().text();
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
  return callerOf(db, req.headers.get("authorization"));
}

async function callerOf(db: Awaited<ReturnType<typeof getDb>>, authorization: string | null): Promise<ApiKeyCaller> {
  const match = /^Bearer\s+(.+)$/i.exec((authorization ?? "").trim());
  const caller = await authenticateApiKey(db, match?.[1]?.trim());
  if (caller.organization.status === "suspended")
    throw new AppError("suspended", suspensionMessage(caller.organization, env().seller.email));
  return caller;
}

type NodeBindings = Partial<HttpBindings> | undefined;

/** One route's work, however the request came: its handler's answer (data, a Reply or a Response). */
async function runRoute(route: AnyRoute, call: Call): Promise<unknown> {
  const db = await getDb();
  const caller = route.auth === "api_key" ? await callerOf(db, call.header("authorization")) : undefined;
  // A path parameter of the wrong shape names nothing we have: 404 with the schema's message (lib/input/ids.ts).
  const params = route.params ? parseParams(route.params, call.params()) : undefined;
  const query = route.query ? parseWith(route.query, call.query(), "query") : undefined;
  const maxBytes = route.maxBytes ?? DEFAULT_MAX_BYTES;
  let text: Promise<string> | undefined;
  const rawBody = () => (text ??= readText(call, maxBytes));
  let body: unknown;
  if (route.body || route.documentedBody) {
    const raw = parseJsonText(await rawBody());
    // A body the service parses itself still passes the string sanitiser (lib/input/text.ts) first.
    body = route.body ? parseJsonBody(route.body, raw) : parseWith(ANY_JSON, raw, "request body");
  }
  return route.handler({
    db,
    get req() {
      return call.req();
    },
    rawBody,
    body,
    query,
    params,
    caller,
  });
}

function serve(route: AnyRoute, apiHeaders: (c: Context) => Record<string, string>) {
  return async (c: Context): Promise<Response> => {
    const req = c.req.raw;
    const incoming = (c.env as NodeBindings)?.incoming;
    const outgoing = (c.env as NodeBindings)?.outgoing;
    const out = await runRoute(route, {
      header: incoming ? (name) => rawHeader(incoming, name) : (name) => req.headers.get(name),
      incoming,
      req: () => req,
      params: () => c.req.param(),
      query: () => c.req.query(),
    });
    if (out instanceof Response) return out;
    const [status, data] = out instanceof Reply ? [out.status, out.body] : [200, out];
    if (outgoing) return sendJson(outgoing, c.req.method, status, data, apiHeaders(c));
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
  method: string,
  status: number,
  data: unknown,
  headers: Record<string, string>,
): Response {
  const { body, headers: bodyHeaders } = jsonBody(data);
  outgoing.writeHead(status, { ...headers, ...bodyHeaders });
  outgoing.end(method === "HEAD" ? undefined : body);
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

const API_HEADERS = {
  http: securityHeaders({ kind: "api", https: false }),
  https: securityHeaders({ kind: "api", https: true }),
};

export function createApiApp(routes: readonly AnyRoute[]): Hono {
  const app = new Hono();
  const apiHeaders = (c: Context) =>
    requestIsHttps(c.req.raw.headers, c.req.url, env().appUrl) ? API_HEADERS.https : API_HEADERS.http;
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

/**
 * The platform API for Node's server (server.ts). A request for one of the routes — its own
 * method, a path with nothing to decode, no query string on a route that reads one — is served
 * straight from Node's request and response (matched by Hono's RegExpRouter), skipping the Hono
 * app's middleware chain and its adapter's web Request and Response around every call (bench:api: ~0.1 ms of CPU per limit check). Everything else
 * (HEAD, OPTIONS, unknown paths and methods, paths to decode) goes to the Hono app. Both give
 * the same answers (tests/integration/api-node-path.test.ts).
 */
export function createApiListener(
  app: Hono,
  routes: readonly AnyRoute[],
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  const viaHono = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  // Hono's own router over the same routes and paths as the app's, so both match alike; the
  // first route that matches answers, as in the app.
  const router = new RegExpRouter<AnyRoute>();
  for (const route of routes) router.add(route.method.toUpperCase(), honoPath(route.path), route);
  const match = (method: string, path: string) => {
    const [matches, stash] = router.match(method, path);
    const first = matches[0];
    if (!first) return undefined;
    const [route, found] = first;
    const params: Record<string, string> = {};
    for (const [name, at] of Object.entries(found)) params[name] = stash ? stash[at as number]! : (at as string);
    return { route, params };
  };
  return (incoming, outgoing) => {
    const url = incoming.url ?? "";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const found = path.startsWith("/") && !path.includes("%") ? match(incoming.method ?? "", path) : undefined;
    if (!found || (found.route.query && q !== -1)) return void viaHono(incoming, outgoing);
    void serveNode(found.route, found.params, incoming, outgoing);
  };
}

async function serveNode(
  route: AnyRoute,
  params: Record<string, string>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const header = (name: string) => rawHeader(incoming, name);
  const https = requestIsHttps(
    { get: header },
    (incoming.socket as { encrypted?: boolean }).encrypted ? "https:" : "http:",
    env().appUrl,
  );
  const headers = https ? API_HEADERS.https : API_HEADERS.http;
  const method = incoming.method ?? "";
  let req: Request | undefined;
  try {
    const out = await runRoute(route, {
      header,
      incoming,
      // Only a handler that asks for it (none on the hot path) gets a web Request: the headers, no body.
      req: () =>
        (req ??= new Request(
          `${https ? "https" : "http"}://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`,
          {
            method,
            headers: incoming.headers as Record<string, string>,
          },
        )),
      params: () => params,
      query: () => ({}),
    });
    if (out instanceof Response) return await writeResponse(outgoing, method, out, headers);
    const [status, data] = out instanceof Reply ? [out.status, out.body] : [200, out];
    sendJson(outgoing, method, status, data, headers);
  } catch (err) {
    if (outgoing.headersSent) return void outgoing.destroy();
    await writeResponse(outgoing, method, errorResponse(err), headers).catch(() => outgoing.destroy());
  }
}

/** A web Response (an error, a route's own) written to Node's response with the API's headers, as Hono's adapter writes it. */
async function writeResponse(
  outgoing: ServerResponse,
  method: string,
  res: Response,
  apiHeaders: Record<string, string>,
): Promise<void> {
  for (const [name, value] of Object.entries(apiHeaders)) res.headers.set(name, value);
  const body = res.body === null ? null : Buffer.from(await res.arrayBuffer());
  const out: Record<string, string | string[]> = {};
  res.headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  const cookies = res.headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  if (body !== null && !out["content-type"]) out["content-type"] = "text/plain; charset=UTF-8";
  outgoing.writeHead(res.status, out);
  outgoing.end(method === "HEAD" || body === null ? undefined : body);
}
