import "server-only";
import { createHash } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, organizations, users, userTokens } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, userActor } from "@/lib/audit";
import { newPasswordSchema } from "@/lib/auth/account";
import { hashPassword } from "@/lib/auth/password";
import { revokeSessions } from "@/lib/auth/sessions";
import { reserveSignInAttempt, type ThrottleKey } from "@/lib/auth/throttle";
import { moveToFree } from "@/lib/billing";
import { AppError } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail";
import { hashToken, newToken } from "@/lib/orgs";
import { emailSchema, tokenSchema } from "./schemas";

/**
 * Accounts of people who are signed out: password reset and sign-up (with email verification);
 * and changing one's email address (email-change.ts). Every emailed link is a random token
 * stored only as its SHA-256, single use and expiring, and opening it changes nothing: its page
 * shows what will happen and a button posts to consume it (mail scanners fetch links too).
 */

export const RESET_TTL_MS = 60 * 60_000;
export const VERIFY_TTL_MS = 3 * 86_400_000;
/** Reset requests per address and per client in the sign-in throttle's 15-minute window. */
export const MAX_RESETS_PER_EMAIL = 3;
export const MAX_RESETS_PER_CLIENT = 20;

export {
  requestEmailChange,
  requestEmailChangeSchema,
  confirmEmailChange,
  confirmEmailChangeSchema,
  pendingEmailChange,
  viewEmailChange,
  EMAIL_CHANGE_TTL_MS,
  MAX_EMAIL_CHANGES_PER_USER,
  type EmailChangeView,
} from "./email-change";

export const requestResetSchema = z.object({ email: emailSchema });
export const resetPasswordSchema = z.object({
  token: z.string().trim().min(20, "This reset link is incomplete.").max(200),
  password: newPasswordSchema,
});
export const signUpSchema = z.object({
  name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(200),
  email: emailSchema,
  password: newPasswordSchema,
  organizationName: z
    .string({ error: "Name your organization." })
    .trim()
    .min(2, "Use at least 2 characters.")
    .max(100, "Use at most 100 characters."),
});
export const verifyEmailSchema = z.object({ token: tokenSchema });

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

function resetThrottleKeys(email: string, clientAddress: string): ThrottleKey[] {
  return [
    { key: sha(`reset-email:${email}`), max: MAX_RESETS_PER_EMAIL },
    { key: sha(`reset-client:${clientAddress}`), max: MAX_RESETS_PER_CLIENT },
  ];
}

export const RESET_SENT_MESSAGE =
  "If an account uses that address, we’ve emailed it a link to choose a new password. The link works for one hour.";

/**
 * Ask for a reset link. The answer is the same whether or not the address has an account (only a
 * throttle refusal differs, and it counts attempts whatever the address). Earlier unused links of
 * the account stop working.
 */
export async function requestPasswordReset(
  db: Queryable,
  input: { email: string; clientAddress: string; now?: Date },
): Promise<{ message: string }> {
  const { email } = requestResetSchema.parse({ email: input.email });
  const now = input.now ?? new Date();
  const reservation = await reserveSignInAttempt(db, resetThrottleKeys(email, input.clientAddress));
  if (!reservation.allowed)
    throw new AppError(
      "rate_limited",
      `Too many reset requests. Wait ${reservation.waitMinutes} minute${reservation.waitMinutes === 1 ? "" : "s"} and try again.`,
    );
  await db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email));
    if (!user) return;
    await tx
      .update(userTokens)
      .set({ usedAt: now })
      .where(and(eq(userTokens.userId, user.id), eq(userTokens.purpose, "password_reset"), isNull(userTokens.usedAt)));
    const token = newToken();
    const expiresAt = new Date(now.getTime() + RESET_TTL_MS);
    await tx
      .insert(userTokens)
      .values({ userId: user.id, purpose: "password_reset", tokenHash: hashToken(token), expiresAt, createdAt: now });
    await enqueueMail(tx, {
      kind: "password_reset",
      organizationId: null,
      payload: { email: user.email, token, expiresAt: expiresAt.toISOString() },
    });
  });
  return { message: RESET_SENT_MESSAGE };
}

async function takeToken(tx: Queryable, token: string, purpose: "password_reset" | "email_verification", now: Date) {
  const [row] = await tx
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, purpose)))
    .for("update");
  if (!row || row.usedAt || row.expiresAt <= now) return null;
  await tx.update(userTokens).set({ usedAt: now }).where(eq(userTokens.id, row.id));
  return row;
}

/** Is this reset link still good (for the page, before the form)? */
export async function resetLinkIsValid(db: Queryable, token: string, now = new Date()): Promise<boolean> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return false;
  const [row] = await db
    .select({ usedAt: userTokens.usedAt, expiresAt: userTokens.expiresAt })
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, "password_reset")));
  return Boolean(row && !row.usedAt && row.expiresAt > now);
}

/** Set a new password from a reset link: once, before it expires; every session of the account ends. */
export async function resetPassword(
  db: Queryable,
  input: z.input<typeof resetPasswordSchema>,
  now = new Date(),
): Promise<{ email: string }> {
  const data = resetPasswordSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const row = await takeToken(tx, data.token, "password_reset", now);
    if (!row) throw new AppError("bad_request", "This reset link has expired or was already used. Ask for a new one.");
    const [user] = await tx
      .update(users)
      // Opening the emailed link also shows the address is theirs.
      .set({
        passwordHash,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`,
      })
      .where(eq(users.id, row.userId))
      .returning({ id: users.id, email: users.email });
    await revokeSessions(tx, user!.id);
    // "If this wasn't you, reset your password": that also cancels an email change not yet confirmed.
    await tx
      .update(userTokens)
      .set({ usedAt: now })
      .where(and(eq(userTokens.userId, user!.id), eq(userTokens.purpose, "email_change"), isNull(userTokens.usedAt)));
    await recordAudit(tx, {
      actor: userActor(user!),
      action: "user.password_reset",
      targetType: "user",
      targetId: user!.id,
      details: { sessionsEnded: true },
    });
    return { email: user!.email };
  });
}

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base.length >= 2 ? base : "org";
}

async function queueVerification(tx: Queryable, user: { id: string; email: string }, now: Date) {
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

/**
 * Sign up: a person and their organization on Free, in one transaction, and a verification email.
 * Until the address is confirmed the organization can't subscribe (lib/accounts.assertEmailVerified).
 */
export async function signUp(
  db: Queryable,
  input: z.input<typeof signUpSchema>,
  now = new Date(),
): Promise<{ email: string; organizationSlug: string }> {
  const data = signUpSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, data.email));
    if (taken)
      throw new AppError("conflict", "An account already uses this email address. Sign in, or reset its password.", {
        fieldErrors: { email: "An account already uses this address." },
      });
    const [user] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, passwordHash, emailVerifiedAt: null, createdAt: now })
      .returning({ id: users.id, email: users.email });
    const base = slugify(data.organizationName);
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(organizations)
      .where(sql`${organizations.slug} = ${base} or ${organizations.slug} like ${`${base}-%`}`);
    const slug =
      n === 0
        ? base
        : `${base}-${newToken()
            .slice(0, 6)
            .toLowerCase()
            .replace(/[^a-z0-9]/g, "x")}`;
    const [org] = await tx
      .insert(organizations)
      .values({ slug, name: data.organizationName, billingEmail: data.email, createdAt: now })
      .returning({ id: organizations.id, slug: organizations.slug });
    await tx.insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: "owner", createdAt: now });
    const actor = userActor(user!);
    // Its Free subscription row, written by lib/billing (the only writer of billing state).
    await moveToFree(tx, org!.id, { actor, reason: "sign-up", now, audit: false, newOrganization: true });
    await queueVerification(tx, user!, now);
    await recordAudit(tx, {
      actor,
      action: "organization.signed_up",
      targetType: "organization",
      targetId: org!.id,
      organizationId: org!.id,
      details: { email: data.email, name: data.organizationName },
    });
    return { email: user!.email, organizationSlug: org!.slug };
  });
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
