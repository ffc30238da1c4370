import "server-only";
import { and, asc, count, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { invitations, memberships, organizations, users, type MemberRole } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, userActor, type UserActor } from "@/lib/audit";
import { newPasswordSchema } from "@/lib/auth/account";
import { hashPassword } from "@/lib/auth/password";
import { lockOrganizationBilling, syncSeats } from "@/lib/billing";
import { AppError } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail";
import type { Stripe } from "@/lib/stripe/client";
import { assertWithinLimit } from "@/lib/usage/limits";
import { hashToken, newToken } from "./tokens";

/**
 * Invitations: an owner or admin invites an address; the person opens the emailed link (a random
 * token, stored only as its SHA-256, single use, expiring after 7 days) and joins — setting a
 * name and password if they have no account yet. The membership, and on per-seat plans the
 * billed seat (lib/billing's syncSeats), come at acceptance, never at invitation. Open invitations
 * count against the member limit, so a plan's limit can't be overshot by accepting them all.
 */

export const INVITATION_TTL_MS = 7 * 86_400_000;

export const acceptInvitationSchema = z.object({
  token: z.string().trim().min(20, "This invitation link is incomplete.").max(200),
  name: z.string().trim().min(1, "Enter your name.").max(200, "Use at most 200 characters.").optional(),
  password: newPasswordSchema.optional(),
});
export const invitationIdSchema = z.object({ invitationId: z.uuid("Unknown invitation.") });

type Caller = { actor: UserActor; callerRole: MemberRole };

function assertManager(caller: Caller) {
  if (caller.callerRole !== "owner" && caller.callerRole !== "admin")
    throw new AppError("forbidden", "Only owners and admins can manage members.");
}

async function openCount(tx: Queryable, organizationId: string, now: Date) {
  const [r] = await tx
    .select({ n: count() })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    );
  return Number(r?.n ?? 0);
}

/** Create an invitation and queue its email, in one transaction (the caller checked the role). */
export async function createInvitation(
  tx: Queryable,
  input: { organizationId: string; email: string; role: MemberRole; actor: UserActor; now?: Date },
): Promise<{ invitationId: string; token: string }> {
  const now = input.now ?? new Date();
  await lockOrganizationBilling(tx, input.organizationId);
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, input.organizationId), eq(users.email, input.email)));
  if (member) throw new AppError("conflict", `${input.email} is already a member of this organization.`);
  // An expired open invitation for the address is closed; a live one is resent instead.
  const [open] = await tx
    .select({ id: invitations.id, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, input.organizationId),
        eq(invitations.email, input.email),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
  if (open && open.expiresAt > now)
    throw new AppError(
      "conflict",
      `${input.email} already has an open invitation. Resend it from the list of pending invitations.`,
    );
  if (open) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, open.id));
  await assertWithinLimit(tx, input.organizationId, "users", 1 + (await openCount(tx, input.organizationId, now)));
  const token = newToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const [row] = await tx
    .insert(invitations)
    .values({
      organizationId: input.organizationId,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedByUserId: input.actor.id,
      expiresAt,
      lastSentAt: now,
      createdAt: now,
    })
    .returning({ id: invitations.id });
  await enqueueMail(tx, {
    kind: "invitation",
    organizationId: input.organizationId,
    payload: {
      email: input.email,
      token,
      role: input.role,
      invitedBy: input.actor.email,
      expiresAt: expiresAt.toISOString(),
    },
  });
  await recordAudit(tx, {
    actor: input.actor,
    action: "member.invited",
    targetType: "invitation",
    targetId: row!.id,
    organizationId: input.organizationId,
    details: { email: input.email, role: input.role },
  });
  return { invitationId: row!.id, token };
}

export type PendingInvitation = {
  id: string;
  email: string;
  role: MemberRole;
  expiresAt: Date;
  lastSentAt: Date;
  expired: boolean;
};

export async function listPendingInvitations(
  db: Queryable,
  organizationId: string,
  now = new Date(),
): Promise<PendingInvitation[]> {
  const rows = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      lastSentAt: invitations.lastSentAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .orderBy(asc(invitations.email));
  return rows.map((r) => ({ ...r, expired: r.expiresAt <= now }));
}

async function lockOpen(tx: Queryable, organizationId: string, invitationId: string) {
  const [inv] = await tx
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.id, invitationId),
        eq(invitations.organizationId, organizationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .for("update");
  if (!inv) throw new AppError("not_found", "That invitation was already accepted or revoked.");
  return inv;
}

/** A fresh link (the old one stops working) and a new expiry, emailed again. */
export async function resendInvitation(
  db: Queryable,
  input: { organizationId: string; invitationId: string; now?: Date } & Caller,
): Promise<{ email: string; token: string }> {
  assertManager(input);
  const { invitationId } = invitationIdSchema.parse({ invitationId: input.invitationId });
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const inv = await lockOpen(tx, input.organizationId, invitationId);
    if (inv.role === "owner" && input.callerRole !== "owner")
      throw new AppError("forbidden", "Only an owner can make someone an owner.");
    if (now.getTime() - inv.lastSentAt.getTime() < 60_000)
      throw new AppError("rate_limited", "It was sent less than a minute ago. Wait a minute before resending.");
    const token = newToken();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    await tx
      .update(invitations)
      .set({ tokenHash: hashToken(token), expiresAt, lastSentAt: now })
      .where(eq(invitations.id, inv.id));
    await enqueueMail(tx, {
      kind: "invitation",
      organizationId: input.organizationId,
      payload: {
        email: inv.email,
        token,
        role: inv.role,
        invitedBy: input.actor.email,
        expiresAt: expiresAt.toISOString(),
      },
    });
    await recordAudit(tx, {
      actor: input.actor,
      action: "member.invitation_resent",
      targetType: "invitation",
      targetId: inv.id,
      organizationId: input.organizationId,
      details: { email: inv.email },
    });
    return { email: inv.email, token };
  });
}

export async function revokeInvitation(
  db: Queryable,
  input: { organizationId: string; invitationId: string; now?: Date } & Caller,
): Promise<{ email: string }> {
  assertManager(input);
  const { invitationId } = invitationIdSchema.parse({ invitationId: input.invitationId });
  return db.transaction(async (tx) => {
    const inv = await lockOpen(tx, input.organizationId, invitationId);
    await tx
      .update(invitations)
      .set({ revokedAt: input.now ?? new Date() })
      .where(eq(invitations.id, inv.id));
    await recordAudit(tx, {
      actor: input.actor,
      action: "member.invitation_revoked",
      targetType: "invitation",
      targetId: inv.id,
      organizationId: input.organizationId,
      details: { email: inv.email },
    });
    return { email: inv.email };
  });
}

export type InvitationView =
  | { status: "invalid" }
  | {
      status: "open" | "expired" | "accepted" | "revoked";
      email: string;
      role: MemberRole;
      organization: { name: string; slug: string };
      /** The address already has an account with a password: they just join. */
      hasAccount: boolean;
    };

/** What the accept page shows for a link. */
export async function viewInvitation(db: Queryable, token: string, now = new Date()): Promise<InvitationView> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return { status: "invalid" };
  const [row] = await db
    .select({
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      name: organizations.name,
      slug: organizations.slug,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row) return { status: "invalid" };
  const [user] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, row.email));
  const status = row.acceptedAt ? "accepted" : row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "open";
  return {
    status,
    email: row.email,
    role: row.role,
    organization: { name: row.name, slug: row.slug },
    hasAccount: Boolean(user?.hash),
  };
}

const CLOSED: Record<string, string> = {
  accepted: "This invitation was already used. Sign in to continue.",
  revoked: "This invitation was withdrawn. Ask an admin of the organization for a new one.",
  expired: "This invitation has expired. Ask an admin of the organization to resend it.",
};

/**
 * Accept: the link's person joins with the invited role (a new account gets the name and password
 * given here; an existing one just joins), the invitation closes, and the seat is billed — all in
 * one transaction under the organization's billing lock, so a Stripe failure leaves nothing done.
 */
export async function acceptInvitation(
  db: Queryable,
  stripe: Stripe,
  input: z.input<typeof acceptInvitationSchema>,
  now = new Date(),
): Promise<{ email: string; organizationSlug: string; newAccount: boolean }> {
  const data = acceptInvitationSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  return db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, hashToken(data.token)))
      .for("update");
    if (!inv) throw new AppError("not_found", "This invitation link is not valid. Check that you copied all of it.");
    const closed = inv.acceptedAt ? "accepted" : inv.revokedAt ? "revoked" : inv.expiresAt <= now ? "expired" : null;
    if (closed) throw new AppError("conflict", CLOSED[closed]!);
    await lockOrganizationBilling(tx, inv.organizationId);
    const [existing] = await tx
      .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.email, inv.email))
      .for("update");
    let user: { id: string; email: string };
    const newAccount = !existing?.passwordHash;
    if (newAccount) {
      const fieldErrors: Record<string, string> = {};
      if (!data.name) fieldErrors.name = "Enter your name.";
      if (!passwordHash) fieldErrors.password = "Choose a password.";
      if (Object.keys(fieldErrors).length)
        throw new AppError("bad_request", "Enter your name and choose a password to join.", { fieldErrors });
      if (existing) {
        await tx
          .update(users)
          .set({ name: data.name!, passwordHash, emailVerifiedAt: now })
          .where(eq(users.id, existing.id));
        user = existing;
      } else {
        const [u] = await tx
          .insert(users)
          .values({ email: inv.email, name: data.name!, passwordHash, emailVerifiedAt: now })
          .returning({ id: users.id, email: users.email });
        user = u!;
      }
    } else {
      user = existing!;
    }
    const actor = userActor(user);
    const [already] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.organizationId, inv.organizationId), eq(memberships.userId, user.id)));
    if (!already) {
      await assertWithinLimit(tx, inv.organizationId, "users", 1);
      const [m] = await tx
        .insert(memberships)
        .values({ organizationId: inv.organizationId, userId: user.id, role: inv.role })
        .returning({ id: memberships.id });
      await recordAudit(tx, {
        actor,
        action: "member.joined",
        targetType: "membership",
        targetId: m!.id,
        organizationId: inv.organizationId,
        details: { email: inv.email, role: inv.role, invitationId: inv.id },
      });
    }
    await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, inv.id));
    // The seat is billed now, at acceptance (lib/billing prorates it on per-seat plans).
    await syncSeats(tx, stripe, { organizationId: inv.organizationId, actor });
    const [org] = await tx
      .select({ slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, inv.organizationId));
    return { email: inv.email, organizationSlug: org!.slug, newAccount };
  });
}
