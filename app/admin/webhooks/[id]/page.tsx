import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { JsonView } from "@/components/admin/json-view";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { Facts, Mono } from "@/components/ui/facts";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getWebhookEventOrThrow } from "@/lib/admin";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { replayEventAction } from "../actions";

export const dynamic = "force-dynamic";
type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Event ${decodeURIComponent((await params).id)}` };
}

export default async function WebhookEventPage({ params }: { params: Params }) {
  await requirePlatformAdmin();
  const id = decodeURIComponent((await params).id);
  const event = await getWebhookEventOrThrow(await getDb(), id).catch((err: unknown) => {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  });
  return (
    <div className="space-y-6">
      <PageHeader
        back={{ href: "/admin/webhooks", label: "Webhook events" }}
        title={event.type}
        description={<Mono>{event.id}</Mono>}
      />
      <Card>
        <div className="mb-3">
          <StatusBadge status={event.status} />
        </div>
        <Facts
          items={[
            { label: "Object", value: event.objectId ? <Mono>{event.objectId}</Mono> : "—" },
            {
              label: "Created at Stripe",
              value: new Date(event.stripeCreated * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC",
            },
            { label: "Received", value: event.receivedAt.toISOString().replace("T", " ").slice(0, 19) + " UTC" },
            {
              label: "Processed",
              value: event.processedAt ? event.processedAt.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—",
            },
            { label: "Attempts", value: event.attempts },
            { label: "Mode", value: event.livemode ? "live" : "test" },
            ...(event.status === "pending" || event.status === "failed"
              ? [
                  {
                    label: "Next attempt",
                    value: event.nextAttemptAt
                      ? event.nextAttemptAt.toISOString().replace("T", " ").slice(0, 19) + " UTC"
                      : "none: gave up (replay it below)",
                  },
                ]
              : []),
            ...(event.lastError
              ? [
                  {
                    label: "Last error",
                    value: (
                      <span>
                        <span className="text-red-700 dark:text-red-400">{event.lastError}</span>
                        {event.lastErrorDetail ? (
                          <details className="mt-1">
                            <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
                              Technical detail
                            </summary>
                            <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">
                              {event.lastErrorDetail}
                            </pre>
                          </details>
                        ) : null}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {event.status === "failed" || event.status === "pending" ? (
        <section aria-labelledby="replay">
          <SectionHeading id="replay">Replay</SectionHeading>
          <Card>
            <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
              Process this {event.status} event again from its stored payload. Safe to repeat: an event is applied once.
            </p>
            <ActionForm
              action={replayEventAction.bind(null, event.id)}
              submitLabel="Replay event"
              confirm={{
                title: `Replay ${event.id}?`,
                body: "Its handler runs again now; the outcome is recorded on the event and in the audit log.",
                confirmLabel: "Replay event",
              }}
            />
          </Card>
        </section>
      ) : null}
      <section aria-labelledby="payload">
        <SectionHeading id="payload">Payload</SectionHeading>
        <JsonView value={event.payload} label="Event payload" />
      </section>
    </div>
  );
}
