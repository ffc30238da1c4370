import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono, type Context } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { getDb, readyDb } from "@/db/client";
import { authenticateApiKey, cachedApiKeyCaller, type ApiKeyCaller } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { AppError, suspensionMessage } from "@/lib/errors";
import { errorResponse, invalidIssues, parseJsonBody, parseParams, parseWith } from "@/lib/http/errors";
import { COMPRESS_FROM_BYTES, json } from "@/lib/http/json";
import { requestIsHttps, securityHeaders } from "@/lib/http/security-headers";
import { sanitizeInput } from "@/lib/input";
import { honoPath, Reply, type AnyRoute } from "./define";
import { parseJsonText, rawHeader, readText, type Call } from "./request";

/**
 * The platform API's HTTP layer: a Hono app serving the route declarations of lib/api/routes,
 * mounted by the custom server (server.ts) in front of Next for `/api/v1/*` and
 * `/api/webhooks/stripe`. Every answer is JSON with the API security headers
 * (lib/http/security-headers, the same function proxy.ts applies to what Next serves); every
 * error is `{ error: { code, message, … } }` (lib/http/errors).
 */

const DEFAULT_MAX_BYTES = 10_000;

/** `Authorization: Bearer agb_…` → the caller; a suspended organization gets 403 with the reason. */
export async function apiKeyCaller(db: Awaited<ReturnType<typeof getDb>>, req: Request): Promise<ApiKeyCaller> {
  return callerOf(db, req.headers.get("authorization"));
}

async function callerOf(db: Awaited<ReturnType<typeof getDb>>, authorization: string | null): Promise<ApiKeyCaller> {
  return active(await authenticateApiKey(db, bearerKey(authorization)));
}

const BEARER = /^Bearer\s+(.+)$/i;
const bearerKey = (authorization: string | null) => BEARER.exec((authorization ?? "").trim())?.[1]?.trim();

/** A suspended organization's key is refused (403 with the reason). */
function active(caller: ApiKeyCaller): ApiKeyCaller {
  if (caller.organization.status === "suspended")
    throw new AppError("suspended", suspensionMessage(caller.organization, env().seller.email));
  return caller;
}

type NodeBindings = Partial<HttpBindings> | undefined;

/** One route's work, however the request came: its handler's answer (data, a Reply or a Response). */
async function runRoute(route: AnyRoute, call: Call): Promise<unknown> {
  // The hot path's usual case costs no wait before the body: the client is open, the key cached.
  const db = readyDb() ?? (await getDb());
  let caller: ApiKeyCaller | undefined;
  if (route.auth === "api_key") {
    const authorization = call.header("authorization");
    const cached = cachedApiKeyCaller(db, bearerKey(authorization));
    caller = cached ? active(cached) : await callerOf(db, authorization);
  }
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
    body = route.body ? parseJsonBody(route.body, raw) : sanitizedBody(raw);
  }
  return await route.handler(new HandlerInput(db, call, rawBody, body, query, params, caller));
}

/** What a handler gets (RouteInput): a class, so that no getter is defined per request. */
class HandlerInput {
  constructor(
    readonly db: Awaited<ReturnType<typeof getDb>>,
    private readonly call: Call,
    readonly rawBody: () => Promise<string>,
    readonly body: unknown,
    readonly query: unknown,
    readonly params: unknown,
    readonly caller: ApiKeyCaller | undefined,
  ) {}
  get req(): Request {
    return this.call.req();
  }
}

/** A body the service parses itself (documentedBody): only the string sanitiser's rules apply here. */
function sanitizedBody(raw: unknown): unknown {
  const clean = sanitizeInput(raw);
  if (clean.issues.length > 0) throw invalidIssues(clean.issues, "request body");
  return clean.value;
}

function serve(route: AnyRoute, isHttps: (c: Context) => boolean) {
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
    if (outgoing) return sendJson(outgoing, c.req.method, status, data, isHttps(c));
    return json(data, { status });
  };
}

/**
 * The hot path's answer: JSON written straight to Node's response, with the same headers as
 * `json()` (lib/http/json.ts) plus the API's security headers. Building a web Response for Hono's
 * adapter to read back cost the busiest routes more CPU than their own work (limit checks,
 * ingest, webhooks).
 */
function sendJson(outgoing: ServerResponse, method: string, status: number, data: unknown, https: boolean): Response {
  const body = JSON.stringify(data) ?? "";
  const bytes = Buffer.byteLength(body);
  const head = https ? JSON_HEAD.https : JSON_HEAD.http;
  const list = bytes < COMPRESS_FROM_BYTES ? head.small : head.large;
  // The header list is built once; only its content-length slot changes. writeHead reads it at
  // once (the status line and header block are made before it returns), so sharing it is safe.
  list[list.length - (list === head.small ? 3 : 1)] = bytes;
  outgoing.writeHead(status, list);
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

/**
 * A JSON answer's headers as writeHead takes a flat list, built once: the API's security headers,
 * then those of `jsonBody` (lib/http/json.ts) — content type, length (filled in per answer) and,
 * below the compression threshold, `cache-control: no-transform`.
 */
const jsonHead = (security: Record<string, string>) => {
  const base: (string | number)[] = Object.entries(security).flat();
  return {
    small: [...base, "content-type", "application/json", "content-length", 0, "cache-control", "no-transform"],
    large: [...base, "content-type", "application/json", "content-length", 0],
  };
};
const JSON_HEAD = { http: jsonHead(API_HEADERS.http), https: jsonHead(API_HEADERS.https) };

export function createApiApp(routes: readonly AnyRoute[]): Hono {
  const app = new Hono();
  const isHttps = (c: Context) => requestIsHttps(c.req.raw.headers, c.req.url, env().appUrl);
  app.use(async (c, next) => {
    await next();
    // Answers written straight to Node's response (sendJson) carry these already.
    if (c.res === RESPONSE_ALREADY_SENT) return;
    for (const [name, value] of Object.entries(isHttps(c) ? API_HEADERS.https : API_HEADERS.http))
      c.res.headers.set(name, value);
  });
  for (const route of routes) app.on(route.method.toUpperCase(), honoPath(route.path), serve(route, isHttps));
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
  return (incoming, outgoing) => {
    const url = incoming.url ?? "";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path.charCodeAt(0) === 47 /* / */ && !path.includes("%")) {
      const [matches, stash] = router.match(incoming.method ?? "", path);
      const first = matches[0];
      if (first && !(first[0].query && q !== -1))
        return void serveNode(first[0], pathParams(first[1], stash), incoming, outgoing);
    }
    viaHono(incoming, outgoing);
  };
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The router's answer as `{ name: value }` (its values are stash indexes when it has a stash). */
function pathParams(
  found: Record<string, unknown>,
  stash: readonly string[] | null | undefined,
): Record<string, string> {
  let params: Record<string, string> | undefined;
  for (const name in found) {
    const at = found[name];
    (params ??= {})[name] = stash ? stash[at as number]! : (at as string);
  }
  return params ?? NO_PARAMS;
}

/** What serving a route reads from Node's request (one object per request; no closures). */
class NodeCall implements Call {
  https = false;
  private request: Request | undefined;
  constructor(
    readonly incoming: IncomingMessage,
    private readonly pathParams: Record<string, string>,
  ) {}
  header(name: string): string | null {
    return rawHeader(this.incoming, name);
  }
  /** `Headers.get`'s shape (requestIsHttps). */
  get(name: string): string | null {
    return rawHeader(this.incoming, name);
  }
  /** Only a handler that asks for it (none on the hot path) gets a web Request: the headers, no body. */
  req(): Request {
    const incoming = this.incoming;
    this.request ??= new Request(
      `${this.https ? "https" : "http"}://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`,
      { method: incoming.method ?? "", headers: incoming.headers as Record<string, string> },
    );
    return this.request;
  }
  params(): Record<string, string> {
    return this.pathParams;
  }
  query(): Record<string, string> {
    return {};
  }
}

async function serveNode(
  route: AnyRoute,
  params: Record<string, string>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const call = new NodeCall(incoming, params);
  const https = requestIsHttps(
    call,
    (incoming.socket as { encrypted?: boolean }).encrypted ? "https:" : "http:",
    env().appUrl,
  );
  call.https = https;
  const method = incoming.method ?? "";
  try {
    const out = await runRoute(route, call);
    if (out instanceof Response)
      return await writeResponse(outgoing, method, out, https ? API_HEADERS.https : API_HEADERS.http);
    if (out instanceof Reply) sendJson(outgoing, method, out.status, out.body, https);
    else sendJson(outgoing, method, 200, out, https);
  } catch (err) {
    if (outgoing.headersSent) return void outgoing.destroy();
    await writeResponse(outgoing, method, errorResponse(err), https ? API_HEADERS.https : API_HEADERS.http).catch(() =>
      outgoing.destroy(),
    );
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
