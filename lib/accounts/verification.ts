import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { users, userTokens } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail";
import { hashToken, newToken } from "@/lib/orgs";
import { tokenSchema } from "./schemas";
import { takeToken } from "./take-token";

/**
 * Email verification after sign-up: the link's page only reads (`viewEmailVerification`); its
 * button posts `verifyEmail`. Until the address is confirmed the organization can't subscribe.
 */

export const VERIFY_TTL_MS = 3 * 86_400_000;
export const verifyEmailSchema = z.object({ token: tokenSchema });

/** Queue a fresh link (earlier unused ones stop working), in the caller's transaction. */
export async function queueVerification(tx: Queryable, user: { id: string; email: string }, now: Date) {
  await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(
      and(eq(userTokens.userId, user.id), eq(userTokens.purpose, "email_verification"), isNull(userTokens.usedAt)),
    );
  const token = newToken();
  await tx.insert(userTokens).values({
    userId: user.id,
    purpose: "email_verification",
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + VERIFY_TTL_MS),
    createdAt: now,
  });
  await enqueueMail(tx, { kind: "email_verification", organizationId: null, payload: { email: user.email, token } });
}

/** What the confirmation page shows for a link. Reads only: opening the link changes nothing. */
export async function viewEmailVerification(
  db: Queryable,
  token: string,
  now = new Date(),
): Promise<{ status: "open"; email: string } | { status: "invalid" }> {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) return { status: "invalid" };
  const [row] = await db
    .select({ usedAt: userTokens.usedAt, expiresAt: userTokens.expiresAt, email: users.email })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(and(eq(userTokens.tokenHash, hashToken(parsed.data)), eq(userTokens.purpose, "email_verification")));
  if (!row || row.usedAt || row.expiresAt <= now) return { status: "invalid" };
  return { status: "open", email: row.email };
}

/** Confirm the address from the emailed link (the button on its page posts this). */
export async function verifyEmail(db: Queryable, token: string, now = new Date()): Promise<{ email: string } | null> {
  const parsed = verifyEmailSchema.safeParse({ token });
  if (!parsed.success) return null;
  return db.transaction(async (tx) => {
    const row = await takeToken(tx, parsed.data.token, "email_verification", now);
    if (!row) return null;
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: now })
      .where(eq(users.id, row.userId))
      .returning({ email: users.email });
    return user ?? null;
  });
}

/** Send the verification link again (signed in, address not yet confirmed). */
export async function resendVerification(db: Queryable, userId: string, now = new Date()): Promise<{ email: string }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, verified: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, userId));
    if (!user) throw new AppError("unauthenticated", "Sign in first.");
    if (user.verified) throw new AppError("conflict", "Your email address is already confirmed.");
    await queueVerification(tx, user, now);
    return { email: user.email };
  });
}

/** Subscribing needs a confirmed address: said in one sentence with the way out. */
export async function assertEmailVerified(db: Queryable, userId: string): Promise<void> {
  const [user] = await db
    .select({ email: users.email, verified: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, userId));
  if (user && !user.verified)
    throw new AppError(
      "forbidden",
      `Confirm your email address before subscribing: open the link we sent to ${user.email} (you can have it sent again from your account page).`,
    );
}
