import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { memberships, organizations, users, type MemberRole } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { roleAtLeast } from "./roles";
import { isSlug } from "@/lib/input";

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  memberships: { organizationId: string; slug: string; name: string; role: MemberRole }[];
};

/** The user and their memberships, read fresh so that a changed role takes effect at once. */
export async function loadCurrentUser(db: Queryable, userId: string): Promise<CurrentUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, isPlatformAdmin: users.isPlatformAdmin })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) return null;
  return { ...user, memberships: await loadMemberships(db, userId) };
}

/** A user's organizations and roles, by name. */
export async function loadMemberships(db: Queryable, userId: string): Promise<CurrentUser["memberships"]> {
  return db
    .select({
      organizationId: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

export type OrgContext = {
  organization: { id: string; slug: string; name: string; status: "active" | "suspended"; currency: string };
  /** The caller's role here. A platform admin who is not a member reads as a member. */
  role: MemberRole;
  viaPlatformAdmin: boolean;
};

export type OrgAccess =
  | ({ ok: true } & OrgContext)
  /** no_access: not a member, or no such organization (the two are not told apart). */
  | { ok: false; reason: "no_access" | "insufficient_role"; role?: MemberRole };

/**
 * May this user act in the organization `slug` with at least `minRole`?
 * Platform admins who are not members may read (role `member`) but not change anything here:
 * they change customers' billing through the admin console, which audits it.
 */
export async function resolveOrgAccess(
  db: Queryable,
  user: Pick<CurrentUser, "id" | "isPlatformAdmin">,
  slug: string,
  minRole: MemberRole,
): Promise<OrgAccess> {
  // A slug from a URL that no organization could have (NUL, upper case, 500 characters) is
  // nobody's: answered before it reaches the database (lib/input/ids.ts).
  if (!isSlug(slug)) return { ok: false, reason: "no_access" };
  const [row] = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      status: organizations.status,
      currency: organizations.currency,
      role: memberships.role,
    })
    .from(organizations)
    .leftJoin(memberships, and(eq(memberships.organizationId, organizations.id), eq(memberships.userId, user.id)))
    .where(eq(organizations.slug, slug))
    .limit(1);
  if (!row) return { ok: false, reason: "no_access" };
  const organization = { id: row.id, slug: row.slug, name: row.name, status: row.status, currency: row.currency };
  if (row.role) {
    if (!roleAtLeast(row.role, minRole)) return { ok: false, reason: "insufficient_role", role: row.role };
    return { ok: true, organization, role: row.role, viaPlatformAdmin: false };
  }
  if (user.isPlatformAdmin) {
    if (!roleAtLeast("member", minRole)) return { ok: false, reason: "insufficient_role", role: "member" };
    return { ok: true, organization, role: "member", viaPlatformAdmin: true };
  }
  return { ok: false, reason: "no_access" };
}
