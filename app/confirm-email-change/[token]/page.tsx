import type { Metadata } from "next";
import Link from "next/link";
import { confirmEmailChangeAction } from "@/app/actions/accounts";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { viewEmailChange } from "@/lib/accounts";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Confirm your new email address" };
export const dynamic = "force-dynamic";

/**
 * The link sent to the new address opens this page, which only reads and says what will change;
 * the button posts the confirmation (a mail scanner fetching the link changes nothing).
 */
export default async function ConfirmEmailChangePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await viewEmailChange(await getDb(), token);
  const signIn = (
    <Link href="/login" className="font-medium text-indigo-700 underline dark:text-indigo-400">
      Sign in
    </Link>
  );
  if (view.status !== "open")
    return (
      <AuthShell title="Confirm your new email address" below={signIn}>
        <Notice tone="error" role="alert">
          This link has expired, was already used, or was replaced by a newer request. Ask for a new one from your
          account page.
        </Notice>
      </AuthShell>
    );
  return (
    <AuthShell
      title="Confirm your new email address"
      intro={
        <p>
          Your AgentBill account will use <strong>{view.newEmail}</strong> instead of{" "}
          <strong>{view.currentEmail}</strong>: you sign in with the new address from then on, and mail goes there. The
          link works until {formatDate(view.expiresAt)}.
        </p>
      }
      below={signIn}
    >
      <AccountForm
        action={confirmEmailChangeAction}
        hidden={{ token }}
        fields={[]}
        submitLabel={`Use ${view.newEmail}`}
        pendingLabel="Confirming…"
      />
    </AuthShell>
  );
}
