import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { EndpointCreateForm } from "@/components/admin/endpoint-create-form";
import { PageHeader, SectionTitle } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { listEndpoints, PLATFORM_EVENT_TYPES } from "@/lib/outbound-webhooks";
import { createEndpointAction } from "./actions";

export const metadata: Metadata = { title: "Webhook endpoints" };
export const dynamic = "force-dynamic";

/** Where the agent platform hears about limits, subscriptions, invoices and suspensions. */
export default async function WebhookEndpointsPage() {
  await requirePlatformAdmin();
  const endpoints = await listEndpoints(await getDb());
  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhook endpoints"
        description="The agent platform’s endpoints. Every event is signed (AgentBill-Signature, see the README), sent at least once with the same event id, and retried with backoff for up to 3 days."
      />
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">Add the platform’s URL below.</EmptyState>
      ) : (
        <TableFrame label="Webhook endpoints">
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
                  <StatusBadge status={e.disabledAt ? "disabled" : "enabled"} />
                </Td>
                <Td className="whitespace-nowrap">{e.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
      <section aria-labelledby="add-endpoint" className="space-y-2">
        <SectionTitle id="add-endpoint">Add an endpoint</SectionTitle>
        <Card>
          <EndpointCreateForm action={createEndpointAction} eventTypes={PLATFORM_EVENT_TYPES} />
        </Card>
      </section>
    </div>
  );
}
