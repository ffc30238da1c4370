"use server";

import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { credentialsSchema, signIn, signOut } from "@/lib/auth/next-auth";
import { safeNextPath } from "@/lib/auth/redirect";
import { clearSignInFailures, recordSignInFailure, signInBlockedFor } from "@/lib/auth/throttle";

export type LoginState = { error?: string; fieldErrors?: { email?: string; password?: string }; email?: string };

export async function loginAction(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const email = String(formData.get("email") ?? "");
  const parsed = credentialsSchema.safeParse({ email, password: formData.get("password") ?? "" });
  if (!parsed.success) {
    const fieldErrors: LoginState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (key === "email" || key === "password") fieldErrors[key] ??= issue.message;
    }
    return { fieldErrors, email };
  }
  const next = formData.get("next");
  const client = (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
  const keys = [`email:${parsed.data.email}`, `ip:${client}`];
  const wait = signInBlockedFor(keys);
  if (wait > 0) {
    return { error: `Too many failed sign-ins. Wait ${wait} minute${wait === 1 ? "" : "s"} and try again.`, email };
  }
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      // Only a path of this site: an open redirect would let a link send people elsewhere after sign-in.
      redirectTo: safeNextPath(next),
    });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      recordSignInFailure(keys);
      return { error: "That email and password don’t match an account. Check both and try again.", email };
    }
    clearSignInFailures([keys[0]!]);
    throw err; // includes the redirect that completes a successful sign-in
  }
}

export async function logoutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
