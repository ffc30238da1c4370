"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import {
  requestPasswordReset,
  requestResetSchema,
  resendVerification,
  resetPassword,
  resetPasswordSchema,
  signUp,
  signUpSchema,
} from "@/lib/accounts";
import { signIn } from "@/lib/auth/next-auth";
import { clientAddressOf } from "@/lib/http/client-address";
import { publicAction, userAction } from "@/lib/http/action";
import { kickJob } from "@/lib/jobs";
import { MAIL_JOB } from "@/lib/mail";

/** Signed-out account actions (lib/accounts does the work; the mail worker sends the links). */

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
