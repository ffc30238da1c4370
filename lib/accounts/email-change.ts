import "server-only";
import { createHash } from "node:crypto";
import { and, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { users, userTokens } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, userActor } from "@/lib/audit";
import { verifyPassword } from "@/lib/auth/password";
import { reserveSignInAttempt } from "@/lib/auth/throttle";
import { AppError } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail";
import { hashToken, newToken } from "@/lib/orgs";
import { emailSchema, tokenSchema } from "./schemas";

/**
 * Changing a signed-in person's email address. They ask with their password; the NEW address gets
 * a single-use, expiring link (stored only as its SHA-256) and the OLD one a notice. The account's
 * address changes only when the link is confirmed (a POST from the page the link opens: opening it
 * changes nothing). A newer request replaces older links; an address another account uses is
 * refused when asked and again at confirmation, where the unique index on users.email settles a race.
 */

export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60_000;
/** Requests (right or wrong password) per account in the sign-in throttle's 15-minute window. */
export const MAX_EMAIL_CHANGES_PER_USER = 5;

export const requestEmailChangeSchema = z.object({
  newEmail: emailSchema,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(200),
});
export const confirmEmailChangeSchema = z.object({ token: tokenSchema });

const TAKEN = "Another account uses this address.";
const DEAD_LINK =
  "This link has expired, was already used, or was replaced by a newer request. Ask for a new one from your account page.";

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "23505" || e?.cause?.code === "23505";
}

async function addressTaken(db: Queryable, email: string, userId: string): Promise<boolean> {
  const [other] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, userId)))
    .limit(1);
  return Boolean(other);
}

/**
 * Ask to move the account to `newEmail`: checks the password, refuses an address in use, ends
 * earlier unconfirmed requests, and queues the link (new address) and the notice (old address)
 * in the same transaction. Nothing about the account changes yet.
 */
export async function requestEmailChange(
  db: Queryable,
  userId: string,
  input: z.input<typeof requestEmailChangeSchema>,
  now = new Date(),
): Promise<{ newEmail: string; expiresAt: Date }> {
  const data = requestEmailChangeSchema.parse(input);
  const reservation = await reserveSignInAttempt(db, [
    { key: sha(`email-change:${userId}`), max: MAX_EMAIL_CHANGES_PER_USER },
  ]);
  if (!reservation.allowed)
    throw new AppError(
      "rate_limited",
      `Too many email change requests. Wait ${reservation.waitMinutes} minute${reservation.waitMinutes === 1 ? "" : "s"} and try again.`,
    );
  const [user] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new AppError("unauthenticated", "Sign in first.");
  if (!(await verifyPassword(data.password, user.passwordHash)))
    throw new AppError("bad_request", "Your password is not right. Nothing was changed.", {
      fieldErrors: { password: "This is not your password." },
    });
  if (data.newEmail === user.email)
    throw new AppError("bad_request", "That is already your email address.", {
      fieldErrors: { newEmail: "This is already your address." },
    });
  return db.transaction(async (tx) => {
    if (await addressTaken(tx, data.newEmail, user.id))
      throw new AppError("conflict", `${TAKEN} Choose another one.`, { fieldErrors: { newEmail: TAKEN } });
    // A newer request replaces every older link.
    await tx
      .update(userTokens)
      .set({ usedAt: now })
      .where(and(eq(userTokens.userId, user.id), eq(userTokens.purpose, "email_change"), isNull(userTokens.usedAt)));
    const token = newToken();
    const expiresAt = new Date(now.getTime() + EMAIL_CHANGE_TTL_MS);
    await tx.insert(userTokens).values({
      userId: user.id,
      purpose: "email_change",
      tokenHash: hashToken(token),
      newEmail: data.newEmail,
      expiresAt,
      createdAt: now,
    });
    await enqueueMail(tx, {
      kind: "email_change_confirm",
      organizationId: null,
      payload: { email: data.newEmail, currentEmail: user.email, token, expiresAt: expiresAt.toISOString() },
    });
    await enqueueMail(tx, {
      kind: "email_change_notice",
      organizationId: null,
      payload: { email: user.email, newEmail: data.newEmail },
    });
    await recordAudit(tx, {
      actor: userActor(user),
      action: "user.email_change_requested",
      targetType: "user",
      targetId: user.id,
      details: { from: user.email, to: data.newEmail },
    });
    return { newEmail: data.newEmail, expiresAt };
  });
}

/** The unconfirmed change of an account, for its account page. */
export async function pendingEmailChange(
  db: Queryable,
  userId: string,
  now = new Date(),
): Promise<{ newEmail: string; expiresAt: Date } | null> {
  const [row] = await db
    .select({ newEmail: userTokens.newEmail, expiresAt: userTokens.expiresAt })
    .from(userTokens)
    .where(
      and(
        eq(userTokens.userId, userId),
        eq(userTokens.purpose, "email_change"),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .orderBy(desc(userTokens.createdAt))
    .limit(1);
  return row?.newEmail ? { newEmail: row.newEmail, expiresAt: row.expiresAt } : null;
}

export type EmailChangeView =
  { status: "invalid" } | { status: "open"; currentEmail: string; newEmail: string; expiresAt: Date };

/** What the confirmation page shows for a link. Reads only: opening the link changes nothing. */
export async function viewEmailChange(db: Queryable, token: string, now = new Date()): Promise<EmailChangeView> {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) return { status: "invalid" };
  const [row] = await db
    .select({
      newEmail: userTokens.newEmail,
      usedAt: userTokens.usedAt,
      expiresAt: userTokens.expiresAt,
      currentEmail: users.email,
    })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(and(eq(userTokens.tokenHash, hashToken(parsed.data)), eq(userTokens.purpose, "email_change")));
  if (!row || !row.newEmail || row.usedAt || row.expiresAt <= now) return { status: "invalid" };
  return { status: "open", currentEmail: row.currentEmail, newEmail: row.newEmail, expiresAt: row.expiresAt };
}

/**
 * Confirm from the emailed link: once, before it expires, if no other account took the address
 * meanwhile. The address is confirmed by this (email_verified_at), other open links of the
 * account (reset, verification) stop working, and sessions carry on (they name the user, not the address).
 */
export async function confirmEmailChange(
  db: Queryable,
  input: z.input<typeof confirmEmailChangeSchema>,
  now = new Date(),
): Promise<{ email: string; previousEmail: string }> {
  const { token } = confirmEmailChangeSchema.parse(input);
  try {
    return await db.transaction(async (tx) => {
      // The lock makes two confirmations of one link (two tabs) queue: the second finds it used.
      const [row] = await tx
        .select()
        .from(userTokens)
        .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, "email_change")))
        .for("update");
      if (!row || !row.newEmail || row.usedAt || row.expiresAt <= now) throw new AppError("bad_request", DEAD_LINK);
      const [user] = await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(eq(users.id, row.userId))
        .for("update");
      if (!user) throw new AppError("bad_request", DEAD_LINK);
      if (await addressTaken(tx, row.newEmail, user.id))
        throw new AppError("conflict", `${TAKEN} Your email address stays ${user.email}.`);
      await tx.update(users).set({ email: row.newEmail, emailVerifiedAt: now }).where(eq(users.id, user.id));
      // This link and every other open link of the account (sent to either address) end here.
      await tx
        .update(userTokens)
        .set({ usedAt: now })
        .where(and(eq(userTokens.userId, user.id), isNull(userTokens.usedAt)));
      await recordAudit(tx, {
        actor: userActor({ id: user.id, email: row.newEmail }),
        action: "user.email_changed",
        targetType: "user",
        targetId: user.id,
        details: { from: user.email, to: row.newEmail },
      });
      return { email: row.newEmail, previousEmail: user.email };
    });
  } catch (err) {
    // Another account took the address between our check and our write: the unique index refused it.
    if (isUniqueViolation(err)) throw new AppError("conflict", `${TAKEN} Your email address was not changed.`);
    throw err;
  }
}
