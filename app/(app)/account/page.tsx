import type { Metadata } from "next";
import { logoutAction } from "@/app/actions/auth";
import { AppHeader } from "@/components/app-header";
import { ChangeEmailForm } from "@/components/account/change-email-form";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { ResendVerificationButton } from "@/components/account/resend-verification";
import { resendVerificationAction } from "@/app/actions/accounts";
import { pendingEmailChange } from "@/lib/accounts";
import { formatDate } from "@/lib/format";
import { changePasswordAction, requestEmailChangeAction, signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

/** The signed-in person's own account: email address, password and sessions. */
export default async function AccountPage({
  searchParams,
}: {
  searchParams: Promise<{ passwordChanged?: string | string[] }>;
}) {
  const user = await requireUser();
  const { passwordChanged } = await searchParams;
  const db = await getDb();
  const [me] = await db.select({ verified: users.emailVerifiedAt }).from(users).where(eq(users.id, user.id));
  const pending = await pendingEmailChange(db, user.id);
  return (
    <>
      <AppHeader
        user={user}
        orgs={user.memberships.map((m) => ({ slug: m.slug, name: m.name }))}
        isPlatformAdmin={user.isPlatformAdmin}
        signOut={logoutAction}
      />
      <main className="mx-auto max-w-2xl space-y-8 px-4 py-6">
        <PageHeader title="Your account" description={`Signed in as ${user.email}.`} />
        {me && !me.verified ? (
          <Notice tone="warning" role="note" title="Confirm your email address" testId="verify-email-notice">
            Open the link we emailed to {user.email}. Until then your organization can’t subscribe to a paid plan.
            <ResendVerificationButton action={resendVerificationAction} />
          </Notice>
        ) : null}
        <section aria-labelledby="email-heading" className="space-y-3">
          <h2 id="email-heading" className="text-lg font-semibold">
            Email address
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            You sign in with {user.email}. To change it, we email a link to the new address and a notice to this one;
            the address changes when the link is confirmed. (An organization’s billing email is separate: it is on its
            billing details page.)
          </p>
          {pending ? (
            <Notice tone="info" role="note" testId="email-change-pending">
              Waiting for confirmation: we sent a link to {pending.newEmail} (it works until{" "}
              {formatDate(pending.expiresAt)}). A new request replaces it.
            </Notice>
          ) : null}
          <ChangeEmailForm action={requestEmailChangeAction} />
        </section>
        <section aria-labelledby="password-heading" className="space-y-3">
          <h2 id="password-heading" className="text-lg font-semibold">
            Change password
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Changing it signs you out on every other browser and device; you stay signed in here.
          </p>
          {passwordChanged === "1" ? (
            <Notice tone="success" role="status">
              Password changed. Every other session of yours was signed out; this one stays signed in.
            </Notice>
          ) : null}
          <ChangePasswordForm action={changePasswordAction} minLength={MIN_PASSWORD_LENGTH} />
        </section>
        <section aria-labelledby="sessions-heading" className="space-y-3">
          <h2 id="sessions-heading" className="text-lg font-semibold">
            Sessions
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Lost a device or signed in somewhere you shouldn’t have? End every session of yours, this one included.
          </p>
          <form action={signOutEverywhereAction}>
            <Button type="submit" variant="secondary">
              Sign out everywhere
            </Button>
          </form>
        </section>
      </main>
    </>
  );
}
