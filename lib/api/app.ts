import "server-only";
import { Hono, type Context } from "hono";
import { getDb } from "@/db/client";
import { authenticateApiKey, type ApiKeyCaller } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { errorResponse, parseWith } from "@/lib/http/errors";
import { json } from "@/lib/http/json";
import { requestIsHttps, securityHeaders } from "@/lib/http/security-headers";
import { honoPath, type AnyRoute } from "./define";

/**
 * The platform API's HTTP layer: a Hono app serving the route declarations of lib/api/routes,
 * mounted by the custom server (server.ts) in front of Next for `/api/v1/*` and
 * `/api/webhooks/stripe`. Every answer is JSON with the API security headers
 * (lib/http/security-headers, the same function proxy.ts applies to what Next serves); every
 * error is `{ error: { code, message, … } }` (lib/http/errors).
 */

const DEFAULT_MAX_BYTES = 10_000;

export async function readBody(req: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const text = await req.text();
  if (text.length > maxBytes) throw tooLarge();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
}

/** `Authorization: Bearer agb_…` → the caller; a suspended organization gets 403 with the reason. */
export async function apiKeyCaller(db: Awaited<ReturnType<typeof getDb>>, req: Request): Promise<ApiKeyCaller> {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const caller = await authenticateApiKey(db, match?.[1]?.trim());
  if (caller.organization.status === "suspended") {
    throw new AppError(
      "suspended",
      `Organization ${caller.organization.slug} is suspended${caller.organization.suspendedReason ? `: ${caller.organization.suspendedReason}` : ""}. Contact support to reactivate it.`,
    );
  }
  return caller;
}

function serve(route: AnyRoute) {
  return async (c: Context): Promise<Response> => {
    const req = c.req.raw;
    const db = await getDb();
    const caller = route.auth === "api_key" ? await apiKeyCaller(db, req) : undefined;
    const params = route.params ? parseWith(route.params, c.req.param(), "path") : undefined;
    const query = route.query ? parseWith(route.query, c.req.query(), "query") : undefined;
    let body: unknown;
    if (route.body || route.documentedBody) {
      const raw = await readBody(req, route.maxBytes ?? DEFAULT_MAX_BYTES);
      body = route.body ? parseWith(route.body, raw, "request body") : raw;
    }
    const out = await route.handler({ db, req, body, query, params, caller });
    return out instanceof Response ? out : json(out);
  };
}

export function createApiApp(routes: readonly AnyRoute[]): Hono {
  const app = new Hono();
  const headers = {
    http: Object.entries(securityHeaders({ kind: "api", https: false })),
    https: Object.entries(securityHeaders({ kind: "api", https: true })),
  };
  app.use(async (c, next) => {
    await next();
    const https = requestIsHttps(c.req.raw.headers, c.req.url, env().appUrl);
    for (const [name, value] of https ? headers.https : headers.http) c.res.headers.set(name, value);
  });
  for (const route of routes) app.on(route.method.toUpperCase(), honoPath(route.path), serve(route));
  app.notFound((c) =>
    errorResponse(new AppError("not_found", `No API route ${c.req.method} ${new URL(c.req.url).pathname}.`)),
  );
  app.onError((err) => errorResponse(err));
  return app;
}
