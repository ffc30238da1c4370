import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, userActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";
import { revokeSessions } from "./sessions";

/** The shortest password anyone may choose; every form's hint says this number. */
export const MIN_PASSWORD_LENGTH = 10;

/** A password someone chooses (sign-up, invitation, reset, change): long enough to resist guessing. */
export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "Use at most 200 characters.");

export const changePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password." })
      .min(1, "Enter your current password.")
      .max(200),
    newPassword: newPasswordSchema,
    confirmPassword: z.string({ error: "Type the new password again." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ. Type the same one twice.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from your current one.",
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/**
 * Change a signed-in user's password: the current one is required, every session of the user
 * ends (the caller re-issues its own with the version answered), and an audit row says so.
 */
export async function changePassword(
  db: Queryable,
  userId: string,
  input: ChangePasswordInput,
): Promise<{ sessionVersion: number }> {
  const parsed = changePasswordSchema.parse(input);
  const [user] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) throw new AppError("unauthenticated", "Sign in first.");
  if (!(await verifyPassword(parsed.currentPassword, user.passwordHash))) {
    throw new AppError("bad_request", "Your current password is not right. Nothing was changed.", {
      fieldErrors: { currentPassword: "This is not your current password." },
    });
  }
  const passwordHash = await hashPassword(parsed.newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const sessionVersion = await revokeSessions(tx, user.id);
    await recordAudit(tx, {
      actor: userActor(user),
      action: "user.password_changed",
      targetType: "user",
      targetId: user.id,
      details: { sessionsEnded: true },
    });
    return { sessionVersion };
  });
}

/** Sign out everywhere: every session of the user ends, this one included. */
export async function signOutEverywhere(db: Queryable, user: { id: string; email: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await revokeSessions(tx, user.id);
    await recordAudit(tx, {
      actor: userActor(user),
      action: "user.sessions_revoked",
      targetType: "user",
      targetId: user.id,
    });
  });
}
