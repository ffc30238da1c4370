import type { Metadata } from "next";
import { ActionForm } from "@/components/admin/action-form";
import { EmptyState, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { PageHeader } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { listOutbox, MAX_MAIL_ATTEMPTS } from "@/lib/mail";
import { retryMailAction } from "./actions";

export const metadata: Metadata = { title: "Email" };
export const dynamic = "force-dynamic";

const when = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "—");

/** The outbox as the mail worker left it: every message, its delivery status, attempts and last error. */
export default async function AdminMailPage() {
  await requirePlatformAdmin();
  const rows = await listOutbox(await getDb(), { limit: 200 });
  const e = env();
  const via = e.smtpUrl
    ? "over SMTP (SMTP_URL)"
    : e.nodeEnv === "production"
      ? "nowhere: SMTP_URL is not set, so every message fails until it is"
      : "to the development mailbox at /dev/mail (no SMTP_URL)";
  return (
    <div className="space-y-5">
      <PageHeader
        title="Email"
        description={`The latest 200 messages, newest first (UTC). Sent ${via}; a failure is retried with backoff up to ${MAX_MAIL_ATTEMPTS} times.`}
      />
      {rows.length === 0 ? (
        <EmptyState title="No messages yet">
          Invitations, receipts and alerts appear here as they are queued.
        </EmptyState>
      ) : (
        <TableFrame label="Email messages">
          <THead>
            <Th>Queued (UTC)</Th>
            <Th>Kind</Th>
            <Th>Status</Th>
            <Th align="right">Attempts</Th>
            <Th>To · subject</Th>
            <Th>Last error / next try</Th>
          </THead>
          <TBody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="mail-row">
                <Td className="whitespace-nowrap">{when(r.createdAt)}</Td>
                <Td>
                  <code className="font-mono text-xs">{r.kind}</code>
                </Td>
                <Td>
                  <StatusBadge status={r.status} />
                </Td>
                <Td align="right">{r.attempts}</Td>
                <Td className="max-w-xs">
                  <span className="block truncate">{r.recipients?.join(", ") ?? "—"}</span>
                  <span className="block truncate text-xs text-zinc-500">{r.subject ?? ""}</span>
                </Td>
                <Td className="max-w-xs">
                  {r.lastError ? <span className="block text-red-700 dark:text-red-400">{r.lastError}</span> : null}
                  {r.status === "pending" && r.attempts > 0 ? (
                    <span className="block text-xs text-zinc-500">Next try {when(r.nextAttemptAt)}</span>
                  ) : null}
                  {r.status === "dead" ? (
                    <ActionForm action={retryMailAction.bind(null, r.id)} submitLabel="Try again" />
                  ) : null}
                </Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </div>
  );
}
