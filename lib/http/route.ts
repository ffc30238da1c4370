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
import { assertSameOriginJson } from "./csrf";
import { errorResponse, parseWith } from "./errors";

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
  return parseWith(schema, body, "request body");
}

export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return parseWith(schema, params, "query");
}

function wrap<P, C>(
  resolve: (req: Request, base: Base<P>) => Promise<C>,
  handler: (req: Request, ctx: C) => Promise<Response>,
) {
  return async (req: Request, next: NextCtx<P>): Promise<Response> => {
    try {
      const params = (await next?.params) ?? ({} as P);
      const db = await getDb();
      const ctx = await resolve(req, { db, params });
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Public routes: errors mapped, nothing else. */
export function withErrors<P = Record<string, never>>(handler: (req: Request, ctx: Base<P>) => Promise<Response>) {
  return wrap<P, Base<P>>(async (_req, base) => base, handler);
}

/**
 * Signed-in users acting in the organization `params.slug` with at least `minRole`. Their
 * cookie authenticates them, so a state-changing call must be same-origin JSON (lib/http/csrf).
 */
export function withOrgRole<P extends { slug: string }>(
  minRole: MemberRole,
  handler: (req: Request, ctx: Base<P> & OrgContext & { user: CurrentUser }) => Promise<Response>,
) {
  return wrap<P, Base<P> & OrgContext & { user: CurrentUser }>(async (req, base) => {
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
  }, handler);
}

/** Platform staff only (the second gate after the /admin layout); same-origin JSON for writes, as above. */
export function withPlatformAdmin<P = Record<string, never>>(
  handler: (req: Request, ctx: Base<P> & { user: CurrentUser }) => Promise<Response>,
) {
  return wrap<P, Base<P> & { user: CurrentUser }>(async (req, base) => {
    const user = await currentUserOfRequest(req);
    if (!user) throw new AppError("unauthenticated", "Sign in first.");
    assertSameOriginJson(req, env().appUrl);
    if (!user.isPlatformAdmin) throw new AppError("forbidden", "Platform administrators only.");
    return { ...base, user };
  }, handler);
}

/** Scheduled jobs: `Authorization: Bearer $CRON_SECRET`. */
export function withCron<P = Record<string, never>>(handler: (req: Request, ctx: Base<P>) => Promise<Response>) {
  return wrap<P, Base<P>>(async (req, base) => {
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
    const expected = env().cronSecret;
    const a = Buffer.from(presented);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw new AppError("unauthenticated", "Missing or wrong cron secret.");
    return base;
  }, handler);
}
