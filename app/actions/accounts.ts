"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import {
  confirmEmailChange,
  confirmEmailChangeSchema,
  requestPasswordReset,
  requestResetSchema,
  resendVerification,
  resetPassword,
  resetPasswordSchema,
  signUp,
  signUpSchema,
  verifyEmail,
  verifyEmailSchema,
} from "@/lib/accounts";
import { signIn } from "@/lib/auth/next-auth";
import { AppError } from "@/lib/errors";
import { clientAddressOf } from "@/lib/http/client-address";
import { publicAction, userAction } from "@/lib/http/action";
import { kickJob } from "@/lib/jobs";
import { MAIL_JOB } from "@/lib/mail";

/**
 * Signed-out account actions (lib/accounts does the work; the mail worker sends the links).
 * Every emailed link is consumed here, by a POST from the page it opens, never by the GET.
 */

export const requestPasswordResetAction = publicAction(
  { schema: requestResetSchema, message: (r: { message: string }) => r.message },
  async (input, { db }) => {
    const r = await requestPasswordReset(db, { email: input.email, clientAddress: clientAddressOf(await headers()) });
    kickJob(MAIL_JOB);
    return r;
  },
);

export const resetPasswordAction = publicAction({ schema: resetPasswordSchema }, async (input, { db }) => {
  const { email } = await resetPassword(db, input);
  // Every session ended; this browser signs in with the new password.
  await signIn("credentials", { email, password: input.password, redirectTo: "/" });
});

export const signUpAction = publicAction({ schema: signUpSchema }, async (input, { db }) => {
  const r = await signUp(db, input);
  kickJob(MAIL_JOB);
  await signIn("credentials", { email: r.email, password: input.password, redirectTo: `/orgs/${r.organizationSlug}` });
  redirect(`/orgs/${r.organizationSlug}`);
});

export const resendVerificationAction = userAction(
  { message: (r: { email: string }) => `We sent a new confirmation link to ${r.email}.` },
  async (_input, { db, user }) => {
    const r = await resendVerification(db, user.id);
    kickJob(MAIL_JOB);
    return r;
  },
);

export const verifyEmailAction = publicAction(
  {
    schema: verifyEmailSchema,
    message: (r: { email: string }) => `${r.email} is confirmed. Your organization can now subscribe to a paid plan.`,
  },
  async (input, { db }) => {
    const r = await verifyEmail(db, input.token);
    if (!r)
      throw new AppError(
        "bad_request",
        "This link has expired or was already used. Sign in and ask for a new one from your account page.",
      );
    return r;
  },
);

/** Confirm an email change from the link sent to the new address (the token is the proof). */
export const confirmEmailChangeAction = publicAction(
  {
    schema: confirmEmailChangeSchema,
    message: (r: { email: string }) => `Your email address is now ${r.email}. Sign in with it from now on.`,
  },
  async (input, { db }) => confirmEmailChange(db, input),
);
