import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { MemberRole } from "@/db/schema";
import { getDb } from "@/db/client";
import { loadMemberships, resolveOrgAccess, type CurrentUser, type OrgContext } from "./access";
import { REQUEST_PATH_HEADER } from "@/lib/http/request-path";
import { readSession } from "./next-auth";
import { safeNextPath } from "./redirect";

/**
 * The signed-in user of a request, with fresh memberships, or null (signed out, or a session
 * that was revoked). Route handlers pass their request; pages and server actions use
 * `getCurrentUser()`, which reads the same from the incoming headers.
 */
export async function currentUserOf(requestHeaders: Headers): Promise<CurrentUser | null> {
  const user = await readSession(requestHeaders);
  if (!user) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isPlatformAdmin: user.isPlatformAdmin,
    memberships: await loadMemberships(await getDb(), user.id),
  };
}

/** A route handler's caller: the request's own headers, with its host and protocol as Auth.js expects them. */
export function currentUserOfRequest(req: Request): Promise<CurrentUser | null> {
  const h = new Headers(req.headers);
  const url = new URL(req.url);
  if (!h.has("host") && !h.has("x-forwarded-host")) h.set("host", url.host);
  if (!h.has("x-forwarded-proto")) h.set("x-forwarded-proto", url.protocol.replace(":", ""));
  return currentUserOf(h);
}

/** Pages and server actions: the signed-in user, or null. Cached for the request. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => currentUserOf(await headers()));

/** Pages and server actions: signed out → /login, and back to this page after signing in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(await loginUrlForThisPage());
  return user;
}

/** `/login?next=<the page asked for>` (proxy.ts says which), or plain `/login` for the home page. */
async function loginUrlForThisPage(): Promise<string> {
  const next = safeNextPath((await headers()).get(REQUEST_PATH_HEADER));
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}

/** Pages and server actions: signed out → /login; not allowed here → the 403 page. */
export async function requireOrgRole(
  slug: string,
  minRole: MemberRole = "member",
): Promise<OrgContext & { user: CurrentUser }> {
  const user = await requireUser();
  const access = await resolveOrgAccess(await getDb(), user, slug, minRole);
  if (!access.ok) forbidden();
  return { user, organization: access.organization, role: access.role, viaPlatformAdmin: access.viaPlatformAdmin };
}

/** Pages and server actions under /admin: platform staff only. */
export async function requirePlatformAdmin(): Promise<CurrentUser> {
  const user = await requireUser();
  if (!user.isPlatformAdmin) forbidden();
  return user;
}
