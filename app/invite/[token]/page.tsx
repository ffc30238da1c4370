import type { Metadata } from "next";
import Link from "next/link";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth";
import { viewInvitation } from "@/lib/orgs/invitations";
import { acceptInvitationAction } from "../actions";

export const metadata: Metadata = { title: "Accept the invitation" };
export const dynamic = "force-dynamic";

const CLOSED = {
  invalid: "This invitation link is not valid. Check that you copied all of it, or ask for a new one.",
  accepted: "This invitation was already used.",
  revoked: "This invitation was withdrawn. Ask an admin of the organization for a new one.",
  expired: "This invitation has expired. Ask an admin of the organization to resend it.",
} as const;

export default async function AcceptInvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await viewInvitation(await getDb(), token);
  if (view.status !== "open") {
    return (
      <AuthShell title="Invitation">
        <Notice tone={view.status === "accepted" ? "info" : "error"} role="alert">
          {CLOSED[view.status]}
        </Notice>
        <p className="mt-4 text-sm">
          <Link href="/login" className="font-medium text-indigo-700 underline dark:text-indigo-400">
            Sign in
          </Link>
        </p>
      </AuthShell>
    );
  }
  const role = view.role === "admin" ? "an admin" : `a ${view.role}`;
  return (
    <AuthShell
      title={`Join ${view.organization.name}`}
      intro={
        <p>
          You were invited as {role} with <strong>{view.email}</strong>.{" "}
          {view.hasAccount
            ? "You already have an account: accept to join, then sign in if you aren’t."
            : "Choose your name and a password to create your account and join."}
        </p>
      }
    >
      <AccountForm
        action={acceptInvitationAction}
        hidden={{ token }}
        fields={
          view.hasAccount
            ? []
            : [
                { name: "name", label: "Your name", autoComplete: "name" },
                {
                  name: "password",
                  label: "Password",
                  type: "password",
                  autoComplete: "new-password",
                  minLength: MIN_PASSWORD_LENGTH,
                  hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
                },
              ]
        }
        submitLabel={`Join ${view.organization.name}`}
        pendingLabel="Joining…"
      />
    </AuthShell>
  );
}
