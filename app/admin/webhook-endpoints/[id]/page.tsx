import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { EmptyState, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { Facts, Mono, PageHeader, SectionTitle } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getEndpointOrThrow, listDeliveries } from "@/lib/outbound-webhooks";
import { disableEndpointAction, enableEndpointAction, redeliverAction, sendTestEventAction } from "../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };
export const dynamic = "force-dynamic";

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace("T", " ") : "—");

export default async function WebhookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePlatformAdmin();
  const { id } = await params;
  const db = await getDb();
  const endpoint = await getEndpointOrThrow(db, id).catch((err: unknown) => {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  });
  const deliveries = await listDeliveries(db, endpoint.id);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/webhook-endpoints" className="text-indigo-700 hover:underline dark:text-indigo-400">
          ← Webhook endpoints
        </Link>
      </p>
      <PageHeader title="Webhook endpoint" description={endpoint.description || undefined} />
      <Card>
        <Facts
          items={[
            { label: "URL", value: <Mono>{endpoint.url}</Mono> },
            {
              label: "Events",
              value: endpoint.events.includes("*") ? "All events" : endpoint.events.join(", "),
            },
            { label: "Signing secret", value: <Mono>{endpoint.secretPrefix}</Mono> },
            { label: "Status", value: <StatusBadge status={endpoint.disabledAt ? "disabled" : "enabled"} /> },
          ]}
        />
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <Card>
          <SectionTitle>Test</SectionTitle>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            Sends a signed <code className="font-mono">endpoint.test</code> event now; the attempt shows in the log
            below.
          </p>
          <ActionForm
            action={sendTestEventAction.bind(null, endpoint.id)}
            submitLabel="Send test event"
            reason={false}
          />
        </Card>
        <Card>
          <SectionTitle>{endpoint.disabledAt ? "Enable" : "Disable"}</SectionTitle>
          {endpoint.disabledAt ? (
            <ActionForm action={enableEndpointAction.bind(null, endpoint.id)} submitLabel="Enable endpoint" />
          ) : (
            <ActionForm
              action={disableEndpointAction.bind(null, endpoint.id)}
              submitLabel="Disable endpoint"
              danger
              confirm={{
                title: "Disable this endpoint?",
                body: "Nothing more is sent to it, retries included, until it is enabled again.",
                confirmLabel: "Disable endpoint",
              }}
            />
          )}
        </Card>
      </div>
      <section aria-labelledby="deliveries" className="space-y-2">
        <SectionTitle id="deliveries">Deliveries (latest 50, UTC)</SectionTitle>
        {deliveries.length === 0 ? (
          <EmptyState title="Nothing sent yet">
            Events the endpoint subscribes to appear here as they happen.
          </EmptyState>
        ) : (
          <TableFrame label="Deliveries">
            <THead>
              <Th>Event</Th>
              <Th>Status</Th>
              <Th align="right">Attempts</Th>
              <Th>Last answer</Th>
              <Th>Redeliver</Th>
            </THead>
            <TBody>
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <Td>
                    <code className="block font-mono text-xs">{d.type}</code>
                    <span className="block font-mono text-xs text-zinc-500">{d.eventId}</span>
                  </Td>
                  <Td>
                    <StatusBadge status={d.status} />
                    {d.status === "pending" && d.attempts > 0 ? (
                      <span className="block text-xs text-zinc-500">next {when(d.nextAttemptAt)}</span>
                    ) : null}
                  </Td>
                  <Td align="right">{d.attempts}</Td>
                  <Td className="max-w-xs text-xs">
                    {d.lastStatusCode ?? "—"} {d.lastError ? <span className="text-red-700">{d.lastError}</span> : null}
                    <span className="block text-zinc-500">{when(d.lastAttemptAt)}</span>
                  </Td>
                  <Td>
                    <ActionForm action={redeliverAction.bind(null, endpoint.id)} submitLabel="Redeliver" reason={false}>
                      <input type="hidden" name="deliveryId" value={d.id} />
                    </ActionForm>
                  </Td>
                </tr>
              ))}
            </TBody>
          </TableFrame>
        )}
      </section>
    </div>
  );
}
