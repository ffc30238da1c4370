import "server-only";
import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import type { MemberRole } from "@/db/schema";
import { getDb } from "@/db/client";
import { loadCurrentUser, resolveOrgAccess, type CurrentUser, type OrgContext } from "./access";
import { auth } from "./next-auth";

/** The signed-in user with fresh memberships, or null. Cached for the request. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return loadCurrentUser(await getDb(), id);
});

/** Pages and server actions: signed out → /login. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
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
