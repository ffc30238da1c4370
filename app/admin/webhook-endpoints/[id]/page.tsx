import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { EmptyState } from "@/components/ui/empty-state";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { Facts, Mono } from "@/components/ui/facts";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { randomUUID } from "node:crypto";
import { RollSecretForm } from "@/components/admin/roll-secret-form";
import { Notice } from "@/components/ui/notice";
import {
  DEFAULT_GRACE_SECONDS,
  endpointStatus,
  getEndpointOrThrow,
  GRACE_CHOICES,
  inGracePeriod,
  listDeliveries,
} from "@/lib/outbound-webhooks";
import {
  deleteEndpointAction,
  disableEndpointAction,
  enableEndpointAction,
  redeliverAction,
  rollSecretAction,
  sendTestEventAction,
} from "../actions";

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
  const status = endpointStatus(endpoint);
  const grace = inGracePeriod(endpoint);
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
            {
              label: "Signing secret",
              value: status === "deleted" ? "Erased" : <Mono>{endpoint.secretPrefix}</Mono>,
            },
            ...(grace && endpoint.previousSecretPrefix
              ? [
                  {
                    label: "Previous secret",
                    value: (
                      <span data-testid="previous-secret">
                        <Mono>{endpoint.previousSecretPrefix}</Mono> also signs until{" "}
                        {when(endpoint.previousSecretExpiresAt)} UTC
                      </span>
                    ),
                  },
                ]
              : []),
            ...(endpoint.secretRolledAt
              ? [{ label: "Secret rolled", value: `${when(endpoint.secretRolledAt)} UTC` }]
              : []),
            { label: "Status", value: <StatusBadge status={status} /> },
          ]}
        />
      </Card>
      {status === "deleted" ? (
        <Notice tone="neutral" role="note" title="This endpoint was deleted" testId="deleted-notice">
          Deleted {when(endpoint.deletedAt)} UTC: nothing is sent to it, its secrets are erased and nothing more can be
          done with it. Its delivery log stays below for reference; to send to this URL again, add it as a new endpoint.
        </Notice>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          <Card>
            <SectionHeading>Test</SectionHeading>
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
            <SectionHeading>{endpoint.disabledAt ? "Enable" : "Disable"}</SectionHeading>
            {endpoint.disabledAt ? (
              <ActionForm action={enableEndpointAction.bind(null, endpoint.id)} submitLabel="Enable endpoint" />
            ) : (
              <ActionForm
                action={disableEndpointAction.bind(null, endpoint.id)}
                submitLabel="Disable endpoint"
                danger
                confirm={{
                  title: "Disable this endpoint?",
                  body: "Nothing more is sent to it until it is enabled again. Its pending retries are canceled (they stay in the log; redeliver one by hand if it still matters).",
                  confirmLabel: "Disable endpoint",
                }}
              />
            )}
          </Card>
          <Card>
            <SectionHeading>Roll signing secret</SectionHeading>
            <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
              Makes a new secret, shown once. During the grace period deliveries carry two signatures (new and old
              secret), so the platform can switch without missing an event.
            </p>
            <RollSecretForm
              action={rollSecretAction.bind(null, endpoint.id)}
              graceChoices={GRACE_CHOICES}
              defaultGraceSeconds={DEFAULT_GRACE_SECONDS}
              idempotencyKey={randomUUID()}
            />
          </Card>
          <Card>
            <SectionHeading>Delete</SectionHeading>
            <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
              For good: pending retries are canceled and the secrets erased. The delivery log stays readable under
              “Deleted endpoints”.
            </p>
            <ActionForm
              action={deleteEndpointAction.bind(null, endpoint.id)}
              submitLabel="Delete endpoint"
              danger
              confirm={{
                title: "Delete this endpoint?",
                body: "Nothing more is sent to it, its pending retries are canceled and its secrets erased. This can't be undone.",
                confirmLabel: "Delete endpoint",
              }}
            />
          </Card>
        </div>
      )}
      <section aria-labelledby="deliveries" className="space-y-2">
        <SectionHeading id="deliveries">Deliveries (latest 50, UTC)</SectionHeading>
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
              {status === "enabled" ? <Th>Redeliver</Th> : null}
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
                    {d.status === "canceled" && d.canceledReason ? (
                      <span className="block text-xs text-zinc-500">{d.canceledReason}</span>
                    ) : null}
                  </Td>
                  <Td align="right">{d.attempts}</Td>
                  <Td className="max-w-xs text-xs">
                    {d.lastStatusCode ?? "—"} {d.lastError ? <span className="text-red-700">{d.lastError}</span> : null}
                    <span className="block text-zinc-500">{when(d.lastAttemptAt)}</span>
                  </Td>
                  {status === "enabled" ? (
                    <Td>
                      <ActionForm
                        action={redeliverAction.bind(null, endpoint.id)}
                        submitLabel="Redeliver"
                        reason={false}
                      >
                        <input type="hidden" name="deliveryId" value={d.id} />
                      </ActionForm>
                    </Td>
                  ) : null}
                </tr>
              ))}
            </TBody>
          </TableFrame>
        )}
      </section>
    </div>
  );
}
