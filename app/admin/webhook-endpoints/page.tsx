import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EndpointCreateForm } from "@/components/admin/endpoint-create-form";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { endpointStatus, listEndpoints, PLATFORM_EVENT_TYPES, type EndpointView } from "@/lib/outbound-webhooks";
import { createEndpointAction } from "./actions";

export const metadata: Metadata = { title: "Webhook endpoints" };
export const dynamic = "force-dynamic";

/** Where the agent platform hears about limits, subscriptions, invoices and suspensions. */
export default async function WebhookEndpointsPage() {
  await requirePlatformAdmin();
  const all = await listEndpoints(await getDb());
  const endpoints = all.filter((e) => !e.deletedAt);
  const deleted = all.filter((e) => e.deletedAt);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhook endpoints"
        description="The agent platform’s endpoints. Every event is signed (AgentBill-Signature, see the README), sent at least once with the same event id, and retried with backoff for up to 3 days."
      />
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">Add the platform’s URL below.</EmptyState>
      ) : (
        <EndpointTable label="Webhook endpoints" endpoints={endpoints} />
      )}
      <section aria-labelledby="add-endpoint" className="space-y-2">
        <SectionHeading id="add-endpoint">Add an endpoint</SectionHeading>
        <Card>
          <EndpointCreateForm action={createEndpointAction} eventTypes={PLATFORM_EVENT_TYPES} />
        </Card>
      </section>
      {deleted.length > 0 ? (
        <section aria-labelledby="deleted-endpoints" className="space-y-2">
          <SectionHeading id="deleted-endpoints">Deleted endpoints</SectionHeading>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Nothing is sent to these and their secrets are erased; each one’s delivery log stays readable.
          </p>
          <EndpointTable label="Deleted endpoints" endpoints={deleted} />
        </section>
      ) : null}
    </div>
  );
}

function EndpointTable({ label, endpoints }: { label: string; endpoints: EndpointView[] }) {
  return (
    <TableFrame label={label}>
      <THead>
        <Th>URL</Th>
        <Th>Events</Th>
        <Th>Status</Th>
        <Th>Added (UTC)</Th>
      </THead>
      <TBody>
        {endpoints.map((e) => (
          <tr key={e.id} data-testid="endpoint-row">
            <Td className="max-w-xs">
              <Link
                href={`/admin/webhook-endpoints/${e.id}`}
                className="block truncate font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-400"
              >
                {e.url}
              </Link>
              {e.description ? <span className="block text-xs text-zinc-500">{e.description}</span> : null}
            </Td>
            <Td className="text-xs">{e.events.includes("*") ? "All events" : e.events.join(", ")}</Td>
            <Td>
              <StatusBadge status={endpointStatus(e)} />
            </Td>
            <Td className="whitespace-nowrap">{e.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
          </tr>
        ))}
      </TBody>
    </TableFrame>
  );
}
