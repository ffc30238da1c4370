import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { MemberRole } from "@/db/schema";
import { getDb } from "@/db/client";
import type { Db } from "@/db/types";
import { resolveOrgAccess, type CurrentUser, type OrgContext } from "@/lib/auth/access";
import { currentUserOfRequest } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sanitizeInput } from "@/lib/input";
import { assertSameOriginJson } from "./csrf";
import { errorResponse, parseJsonBody, parseWith } from "./errors";

/**
 * Route handler wrappers: one place resolves the caller, parses params, and maps errors to
 * JSON responses ({ error: { code, message, issues? } }). Every route handler uses one. The
 * platform API (`/api/v1/*`, API keys) is not served by Next: see lib/api.
 */

type NextCtx<P> = { params: Promise<P> };
type Base<P> = { db: Db; params: P };

export async function readJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  opts: { maxBytes?: number } = {},
): Promise<z.output<S>> {
  const maxBytes = opts.maxBytes ?? 1_000_000;
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);
  const text = await req.text();
  if (text.length > maxBytes) throw new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
  return parseJsonBody(schema, body);
}

/** A query string: text, parsed by a query schema (the form layer's rules: lib/input). One value per name. */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const search = new URL(req.url).searchParams;
  const params: Record<string, string> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    if (values.length > 1) throw new AppError("bad_request", `Invalid query: give ${key} once.`);
    params[key] = values[0]!;
  }
  return parseWith(schema, params, "query");
}

/** Path params: clean strings (lib/input/text.ts); a segment no id could be is "not found". */
function readParams<P>(raw: unknown): P {
  const clean = sanitizeInput(raw ?? {});
  if (clean.issues.length > 0) throw new AppError("not_found", "Nothing is at this address: check the link.");
  return clean.value as P;
}

/** The route's own params schema (ids: lib/input/ids.ts), checked once the caller is known: a bad one is "not found". */
function checkParams(params: unknown, schema: z.ZodType | undefined): void {
  if (!schema) return;
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new AppError("not_found", parsed.error.issues[0]?.message ?? "Not found.");
}

/** What a route declares about its input: a schema for its path params (every dynamic segment: lib/input/ids.ts). */
export type RouteOptions = { params?: z.ZodType };

function wrap<P, C>(
  resolve: (req: Request, base: Base<P>) => Promise<C>,
  handler: (req: Request, ctx: C) => Promise<Response>,
  opts: RouteOptions = {},
) {
  const route = async (req: Request, next: NextCtx<P>): Promise<Response> => {
    try {
      const params = readParams<P>(await next?.params);
      const db = await getDb();
      const ctx = await resolve(req, { db, params });
      checkParams(params, opts.params);
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
  // The params schema stays readable on the handler: a test checks every dynamic segment has one.
  return Object.assign(route, { params: opts.params });
}

/** Public routes: errors mapped, nothing else. */
export function withErrors<P = Record<string, never>>(
  handler: (req: Request, ctx: Base<P>) => Promise<Response>,
  opts: RouteOptions = {},
) {
  return wrap<P, Base<P>>(async (_req, base) => base, handler, opts);
}

/**
 * Signed-in users acting in the organization `params.slug` with at least `minRole`. Their
 * cookie authenticates them, so a state-changing call must be same-origin JSON (lib/http/csrf).
 */
export function withOrgRole<P extends { slug: string }>(
  minRole: MemberRole,
  handler: (req: Request, ctx: Base<P> & OrgContext & { user: CurrentUser }) => Promise<Response>,
  opts: RouteOptions = {},
) {
  return wrap<P, Base<P> & OrgContext & { user: CurrentUser }>(
    async (req, base) => {
      const user = await currentUserOfRequest(req);
      if (!user) throw new AppError("unauthenticated", "Sign in first.");
      assertSameOriginJson(req, env().appUrl);
      const access = await resolveOrgAccess(base.db, user, base.params.slug, minRole);
      if (!access.ok) {
        if (access.reason === "no_access")
          throw new AppError("not_found", "No such organization, or you are not a member of it.");
        throw new AppError("forbidden", `This needs the ${minRole} role; you are ${access.role ?? "not a member"}.`);
      }
      return {
        ...base,
        user,
        organization: access.organization,
        role: access.role,
        viaPlatformAdmin: access.viaPlatformAdmin,
      };
    },
    handler,
    opts,
  );
}

/** Platform staff only (the second gate after the /admin layout); same-origin JSON for writes, as above. */
export function withPlatformAdmin<P = Record<string, never>>(
  handler: (req: Request, ctx: Base<P> & { user: CurrentUser }) => Promise<Response>,
  opts: RouteOptions = {},
) {
  return wrap<P, Base<P> & { user: CurrentUser }>(
    async (req, base) => {
      const user = await currentUserOfRequest(req);
      if (!user) throw new AppError("unauthenticated", "Sign in first.");
      assertSameOriginJson(req, env().appUrl);
      if (!user.isPlatformAdmin) throw new AppError("forbidden", "Platform administrators only.");
      return { ...base, user };
    },
    handler,
    opts,
  );
}

/** Scheduled jobs: `Authorization: Bearer $CRON_SECRET`. */
export function withCron<P = Record<string, never>>(
  handler: (req: Request, ctx: Base<P>) => Promise<Response>,
  opts: RouteOptions = {},
) {
  return wrap<P, Base<P>>(
    async (req, base) => {
      const presented = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
      const expected = env().cronSecret;
      const a = Buffer.from(presented);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b))
        throw new AppError("unauthenticated", "Missing or wrong cron secret.");
      return base;
    },
    handler,
    opts,
  );
}
