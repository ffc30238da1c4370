"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { requestEmailChange, requestEmailChangeSchema } from "@/lib/accounts";
import { changePassword, changePasswordSchema, signOutEverywhere } from "@/lib/auth";
import { reissueSession } from "@/lib/auth/next-auth";
import { requireUser } from "@/lib/auth/session";
import { userAction } from "@/lib/http/action";
import { kickJob } from "@/lib/jobs";
import { MAIL_JOB } from "@/lib/mail";

/**
 * Change password: the current one is required; every other session ends, this one is issued
 * again and stays signed in. Success lands on the account page with a note (a redirect, because
 * the new session cookie makes Next render the page afresh).
 */
export const changePasswordAction = userAction(
  { schema: changePasswordSchema, redirectTo: () => "/account?passwordChanged=1" },
  async (input, { db, user }) => {
    const { sessionVersion } = await changePassword(db, user.id, input);
    await reissueSession(user.id, sessionVersion);
  },
);

/**
 * Change the email address: the password is required; a confirmation link goes to the new address
 * and a notice to the current one. The address changes only when that link is confirmed.
 */
export const requestEmailChangeAction = userAction(
  {
    schema: requestEmailChangeSchema,
    message: (r: { newEmail: string }) =>
      `We sent a confirmation link to ${r.newEmail}. Your address changes when you open it and confirm; until then you sign in as before.`,
    revalidate: () => ["/account"],
  },
  async (input, { db, user }) => {
    const r = await requestEmailChange(db, user.id, input);
    kickJob(MAIL_JOB);
    return r;
  },
);

/**
 * Sign out everywhere: every session of this user ends, this one included. A plain form action
 * (no result to show: it always leaves for the sign-in page), like sign-out itself.
 */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser();
  await signOutEverywhere(await getDb(), user);
  redirect("/login?signedOut=everywhere");
}
