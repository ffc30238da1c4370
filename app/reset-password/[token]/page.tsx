import type { Metadata } from "next";
import Link from "next/link";
import { resetPasswordAction } from "@/app/actions/accounts";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { resetLinkIsValid } from "@/lib/accounts";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";

export const metadata: Metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!(await resetLinkIsValid(await getDb(), token))) {
    return (
      <AuthShell title="Choose a new password">
        <Notice tone="error" role="alert">
          This reset link has expired or was already used.
        </Notice>
        <p className="mt-4 text-sm">
          <Link href="/forgot-password" className="font-medium text-indigo-700 underline dark:text-indigo-400">
            Ask for a new link
          </Link>
        </p>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password" intro={<p>Setting it signs you out on every other browser and device.</p>}>
      <AccountForm
        action={resetPasswordAction}
        hidden={{ token }}
        fields={[
          {
            name: "password",
            label: "New password",
            type: "password",
            autoComplete: "new-password",
            minLength: MIN_PASSWORD_LENGTH,
            hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
          },
        ]}
        submitLabel="Set the new password"
        pendingLabel="Saving…"
      />
    </AuthShell>
  );
}
