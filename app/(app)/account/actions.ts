"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { changePassword, signOutEverywhere } from "@/lib/auth";
import { reissueSession } from "@/lib/auth/next-auth";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action";

function text(fd: FormData, name: string): string {
  const v = fd.get(name);
  return typeof v === "string" ? v : "";
}

/**
 * Change password: the current one is required; every other session ends, this one is issued
 * again and stays signed in. Success lands on the account page with a note (a redirect, because
 * the new session cookie makes Next render the page afresh).
 */
export async function changePasswordAction(_prev: unknown, fd: FormData): Promise<ActionResult> {
  const user = await requireUser();
  const result = await runAction(async () => {
    const { sessionVersion } = await changePassword(await getDb(), user.id, {
      currentPassword: text(fd, "currentPassword"),
      newPassword: text(fd, "newPassword"),
      confirmPassword: text(fd, "confirmPassword"),
    });
    await reissueSession(user.id, sessionVersion);
    return undefined;
  });
  if (result.ok) redirect("/account?passwordChanged=1");
  return result;
}

/** Sign out everywhere: every session of this user ends, this one included. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser();
  await signOutEverywhere(await getDb(), user);
  redirect("/login?signedOut=everywhere");
}
