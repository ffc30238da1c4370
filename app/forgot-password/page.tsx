import type { Metadata } from "next";
import Link from "next/link";
import { requestPasswordResetAction } from "@/app/actions/accounts";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";

export const metadata: Metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  return (
    <AuthShell
      title="Forgot your password?"
      intro={<p>Enter your email address and we’ll send you a link to choose a new one.</p>}
      below={
        <Link href="/login" className="font-medium text-indigo-700 underline dark:text-indigo-400">
          Back to sign in
        </Link>
      }
    >
      <AccountForm
        action={requestPasswordResetAction}
        fields={[{ name: "email", label: "Email", type: "email", autoComplete: "username" }]}
        submitLabel="Send the link"
        pendingLabel="Sending…"
      />
    </AuthShell>
  );
}
