import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth/auth-shell";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { verifyEmail } from "@/lib/accounts";

export const metadata: Metadata = { title: "Confirm your email" };
export const dynamic = "force-dynamic";

/** Opening the emailed link confirms the address (once). */
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const done = await verifyEmail(await getDb(), token);
  return (
    <AuthShell title="Confirm your email">
      {done ? (
        <Notice tone="success" role="status">
          {done.email} is confirmed. Your organization can now subscribe to a paid plan.
        </Notice>
      ) : (
        <Notice tone="error" role="alert">
          This link has expired or was already used. Sign in and ask for a new one from your account page.
        </Notice>
      )}
      <p className="mt-4 text-sm">
        <Link href="/" className="font-medium text-indigo-700 underline dark:text-indigo-400">
          Continue to AgentBill
        </Link>
      </p>
    </AuthShell>
  );
}
