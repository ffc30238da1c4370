import type { Metadata } from "next";
import Link from "next/link";
import { signUpAction } from "@/app/actions/accounts";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";

export const metadata: Metadata = { title: "Sign up" };

export default function SignUpPage() {
  return (
    <AuthShell
      title="Create your organization"
      intro={<p>Start on Free: no card needed. Confirm your email address before you subscribe to a paid plan.</p>}
      below={
        <p>
          Already have an account?{" "}
          <Link href="/login" className="font-medium text-indigo-700 underline dark:text-indigo-400">
            Sign in
          </Link>
        </p>
      }
    >
      <AccountForm
        action={signUpAction}
        fields={[
          { name: "name", label: "Your name", autoComplete: "name" },
          { name: "email", label: "Work email", type: "email", autoComplete: "username" },
          {
            name: "password",
            label: "Password",
            type: "password",
            autoComplete: "new-password",
            minLength: MIN_PASSWORD_LENGTH,
            hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
          },
          { name: "organizationName", label: "Organization name", autoComplete: "organization" },
        ]}
        submitLabel="Create organization"
        pendingLabel="Creating…"
      />
    </AuthShell>
  );
}
