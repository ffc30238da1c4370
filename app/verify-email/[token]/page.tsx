import type { Metadata } from "next";
import Link from "next/link";
import { verifyEmailAction } from "@/app/actions/accounts";
import { AccountForm } from "@/components/auth/account-form";
import { AuthShell } from "@/components/auth/auth-shell";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { viewEmailVerification } from "@/lib/accounts";

export const metadata: Metadata = { title: "Confirm your email" };
export const dynamic = "force-dynamic";

/**
 * The emailed link opens this page, which only reads: mail scanners fetch links before people do,
 * so the address is confirmed by the button (a POST), never by opening the link.
 */
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await viewEmailVerification(await getDb(), token);
  const next = (
    <Link href="/" className="font-medium text-indigo-700 underline dark:text-indigo-400">
      Continue to AgentBill
    </Link>
  );
  if (view.status !== "open")
    return (
      <AuthShell title="Confirm your email" below={next}>
        <Notice tone="error" role="alert">
          This link has expired or was already used. Sign in and ask for a new one from your account page.
        </Notice>
      </AuthShell>
    );
  return (
    <AuthShell
      title="Confirm your email"
      intro={
        <p>
          Confirm that <strong>{view.email}</strong> is your address. Then your organization can subscribe to a paid
          plan.
        </p>
      }
      below={next}
    >
      <AccountForm
        action={verifyEmailAction}
        hidden={{ token }}
        fields={[]}
        submitLabel="Confirm my email"
        pendingLabel="Confirming…"
      />
    </AuthShell>
  );
}
