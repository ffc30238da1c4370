import "server-only";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, users, type MemberRole } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type UserActor } from "@/lib/audit";
import { roleAtLeast } from "@/lib/auth/roles";
import { lockOrganizationBilling, syncSeats } from "@/lib/billing";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { createInvitation } from "./invitations";

/**
 * Membership changes. Each runs in one transaction under the organization's billing lock:
 * the row is written and on per-seat plans the Stripe quantity follows (prorated) before
 * commit — so a Stripe failure leaves no member without a seat. Joining is by invitation
 * (lib/orgs/invitations.ts): the membership and its seat come when the invitation is accepted.
 */

export const inviteMemberSchema = z.object({
  email: z
    .string({ error: "Enter a valid email address." })
    .trim()
    .toLowerCase()
    .pipe(z.email("Enter a valid email address.").max(254)),
  role: z.enum(["owner", "admin", "member"], { message: "Choose a role." }).default("member"),
});
export const changeRoleSchema = z.object({
  membershipId: z.uuid("Unknown member."),
  role: z.enum(["owner", "admin", "member"], { message: "Choose a role." }),
});
export const removeMemberSchema = z.object({ membershipId: z.uuid("Unknown member.") });

/** Who is acting and their role in this organization (checked again here, not only in the UI). */
type Caller = { actor: UserActor; callerRole: MemberRole };

export type MemberRow = {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  role: MemberRole;
  joinedAt: Date;
};

export async function listMembers(db: Queryable, organizationId: string): Promise<MemberRow[]> {
  return db
    .select({
      membershipId: memberships.id,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(sql`case ${memberships.role} when 'owner' then 0 when 'admin' then 1 else 2 end`, asc(users.name));
}

function assertMayGrant(caller: Caller, role: MemberRole) {
  if (!roleAtLeast(caller.callerRole, "admin"))
    throw new AppError("forbidden", "Only owners and admins can manage members.");
  if (role === "owner" && caller.callerRole !== "owner")
    throw new AppError("forbidden", "Only an owner can make someone an owner.");
}

/**
 * Invite someone: an invitation (lib/orgs/invitations.ts) and its email, in one transaction. They
 * become a member — and a billed seat — only when they accept.
 */
export async function inviteMember(
  db: Queryable,
  _stripe: Stripe,
  input: { organizationId: string; email: string; role?: MemberRole; now?: Date } & Caller,
): Promise<{ invitationId: string; token: string }> {
  const data = inviteMemberSchema.parse({ email: input.email, role: input.role });
  assertMayGrant(input, data.role);
  return db.transaction((tx) =>
    createInvitation(tx, {
      organizationId: input.organizationId,
      email: data.email,
      role: data.role,
      actor: input.actor,
      now: input.now,
    }),
  );
}

async function loadMembership(tx: Queryable, organizationId: string, membershipId: string) {
  const [m] = await tx
    .select({ id: memberships.id, role: memberships.role, userId: memberships.userId, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.id, membershipId), eq(memberships.organizationId, organizationId)))
    .for("update", { of: memberships });
  if (!m) throw new AppError("not_found", "That person is not a member of this organization.");
  return m;
}

async function ownerCount(tx: Queryable, organizationId: string) {
  const [r] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, "owner")));
  return Number(r?.n ?? 0);
}

export async function changeMemberRole(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; membershipId: string; role: MemberRole } & Caller,
) {
  const data = changeRoleSchema.parse({ membershipId: input.membershipId, role: input.role });
  assertMayGrant(input, data.role);
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const m = await loadMembership(tx, input.organizationId, data.membershipId);
    if (m.role === data.role) return { changed: false };
    if (m.role === "owner") {
      assertOwnerMayTouchOwner(input);
      if ((await ownerCount(tx, input.organizationId)) <= 1) {
        throw new AppError("conflict", "An organization needs at least one owner. Make someone else an owner first.");
      }
    }
    await tx.update(memberships).set({ role: data.role }).where(eq(memberships.id, m.id));
    await recordAudit(tx, {
      actor: input.actor,
      action: "member.role_changed",
      targetType: "membership",
      targetId: m.id,
      organizationId: input.organizationId,
      details: { email: m.email, before: m.role, after: data.role },
    });
    return { changed: true };
  });
}

/** Only an owner may demote or remove another owner. */
function assertOwnerMayTouchOwner(caller: Caller) {
  if (caller.callerRole !== "owner")
    throw new AppError("forbidden", "Only an owner can change or remove another owner.");
}

export async function removeMember(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; membershipId: string } & Caller,
) {
  const data = removeMemberSchema.parse({ membershipId: input.membershipId });
  if (!roleAtLeast(input.callerRole, "admin"))
    throw new AppError("forbidden", "Only owners and admins can manage members.");
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, input.organizationId);
    const m = await loadMembership(tx, input.organizationId, data.membershipId);
    if (m.role === "owner") {
      assertOwnerMayTouchOwner(input);
      if ((await ownerCount(tx, input.organizationId)) <= 1) {
        throw new AppError("conflict", "You can't remove the last owner. Make someone else an owner first.");
      }
    }
    await tx.delete(memberships).where(eq(memberships.id, m.id));
    await recordAudit(tx, {
      actor: input.actor,
      action: "member.removed",
      targetType: "membership",
      targetId: m.id,
      organizationId: input.organizationId,
      details: { email: m.email, role: m.role },
    });
    const seats = await syncSeats(tx, stripe, { organizationId: input.organizationId, actor: input.actor });
    return { seats: seats.seats };
  });
}
