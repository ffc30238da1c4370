import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { EmptyState, Pagination, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { FilterButtons, FilterForm, FilterInput, FilterSelect, FiltersReset } from "@/components/admin/filter-form";
import { PageHeader } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { getDb } from "@/db/client";
import {
  countFailedWebhookEvents,
  listWebhookEvents,
  listWebhookTypes,
  WEBHOOK_STATUSES,
  webhookQuerySchema,
  type WebhookQuery,
} from "@/lib/admin";
import { replayFailedAction } from "./actions";
import { firstValues, hrefWith } from "@/lib/admin/urls";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";

export const metadata: Metadata = { title: "Webhook events" };
export const dynamic = "force-dynamic";

const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 19)}`;

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePlatformAdmin();
  const parsed = webhookQuerySchema.safeParse(firstValues(await searchParams));
  const query: WebhookQuery = parsed.success ? parsed.data : webhookQuerySchema.parse({});
  const db = await getDb();
  const [result, types, failedCount] = await Promise.all([
    listWebhookEvents(db, query),
    listWebhookTypes(db),
    countFailedWebhookEvents(db),
  ]);
  const filtered = Boolean(query.type || query.status || query.q);
  return (
    <div className="space-y-5">
      <PageHeader
        title="Webhook events"
        description={`${formatNumber(result.total)} ${filtered ? "matching" : "received"}, newest first. Times in UTC.`}
      />
      <FiltersReset messages={parsed.success ? null : parsed.error.issues.map((i) => i.message)} />
      {failedCount > 0 ? (
        <section
          aria-labelledby="replay-failed"
          className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
        >
          <h2 id="replay-failed" className="font-semibold">
            Replay all failed
          </h2>
          <p className="mt-1 mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            {formatNumber(failedCount)} failed event{failedCount === 1 ? "" : "s"}. Each is processed again from its
            stored payload, oldest first (up to 100 a run).
          </p>
          <ActionForm
            action={replayFailedAction}
            submitLabel="Replay all failed"
            confirm={{
              title: "Replay every failed event?",
              body: "Their handlers run again now; the outcomes are recorded on the events and in the audit log.",
              confirmLabel: "Replay all failed",
            }}
          />
        </section>
      ) : null}
      <FilterForm className="sm:grid-cols-4">
        <FilterInput
          name="type"
          label="Type"
          value={query.type}
          placeholder="invoice. or invoice.paid"
          suggestions={types}
        />
        <FilterSelect
          name="status"
          label="Status"
          value={query.status}
          anyLabel="Any status"
          options={WEBHOOK_STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <FilterInput name="q" label="Event or object id" value={query.q} placeholder="evt_… or in_…" />
        <FilterButtons filtered={filtered} clearHref="/admin/webhooks" />
      </FilterForm>

      {result.rows.length === 0 ? (
        <EmptyState title={filtered ? "No event matches" : "No webhook events yet"}>
          {filtered
            ? "Widen the filters."
            : "Stripe (or the local emulator) posts events to /api/webhooks/stripe; each is recorded here."}
        </EmptyState>
      ) : (
        <TableFrame label="Webhook events">
          <THead>
            <Th className="hidden sm:table-cell">Received (UTC)</Th>
            <Th>Type</Th>
            <Th>Status</Th>
            <Th align="right">Attempts</Th>
            <Th>Last error</Th>
            <Th>Event</Th>
          </THead>
          <TBody>
            {result.rows.map((e) => (
              <tr key={e.id}>
                <Td className="hidden whitespace-nowrap sm:table-cell">{when(e.receivedAt)}</Td>
                <Td>
                  <code className="font-mono text-xs">{e.type}</code>
                  <span className="block text-xs text-zinc-500 sm:hidden">{when(e.receivedAt)} UTC</span>
                </Td>
                <Td>
                  <StatusBadge status={e.status} />
                </Td>
                <Td align="right">{e.attempts}</Td>
                <Td className="max-w-xs truncate text-red-700 dark:text-red-400">
                  {e.lastError ?? <span className="text-zinc-400">—</span>}
                </Td>
                <Td>
                  <Link
                    href={`/admin/webhooks/${encodeURIComponent(e.id)}`}
                    className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-400"
                  >
                    {e.id}
                  </Link>
                </Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
      <Pagination
        page={result.page}
        pages={result.pages}
        href={(page) => hrefWith("/admin/webhooks", { ...query, page: page === 1 ? undefined : page })}
        label="Event pages"
      />
    </div>
  );
}
