import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { Facts, Mono } from "@/components/ui/facts";
import { Notice } from "@/components/ui/notice";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getSystemHealth, HEALTH_LIMITS, type PartStatus } from "@/lib/admin";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";
import { buttonClass } from "@/components/ui/button";

export const metadata: Metadata = { title: "Health" };
export const dynamic = "force-dynamic";

function ago(d: Date | null | undefined, now: Date): string {
  if (!d) return "never";
  const s = Math.max(0, Math.round((now.getTime() - d.getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function every(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`;
}

function Part({
  title,
  status,
  children,
  testId,
}: {
  title: string;
  status: PartStatus;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <Card>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        <span data-testid={testId}>
          <StatusBadge status={status} />
        </span>
      </div>
      {children}
    </Card>
  );
}

export default async function HealthPage() {
  await requirePlatformAdmin();
  const h = await getSystemHealth(await getDb());
  const now = h.checkedAt;
  const m = h.migrations.facts;
  const w = h.webhooks.facts;
  const run = h.reconciliation.lastRun;
  return (
    <div className="space-y-6">
      <PageHeader
        title="System health"
        description={`Checked ${now.toISOString().replace("T", " ").slice(0, 19)} UTC in ${h.durationMs} ms.`}
        actions={
          <Link href="/admin/health" className={buttonClass({ variant: "secondary" })}>
            Check again
          </Link>
        }
      />
      <Notice tone={h.status === "ok" ? "success" : h.status === "degraded" ? "warning" : "error"} role="status">
        <p className="flex items-center gap-2 font-medium">
          Overall{" "}
          <span data-testid="health-overall">
            <StatusBadge status={h.status} />
          </span>
        </p>
        {h.reasons.length ? (
          <ul className="mt-2 list-disc space-y-1 pl-5">
            {h.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        ) : (
          <p className="mt-1">Every check passed.</p>
        )}
      </Notice>

      <div className="grid gap-4 md:grid-cols-2">
        <Part title="Database" status={h.database.status} testId="health-database">
          <Facts
            items={[
              { label: "Round trip", value: h.database.latencyMs === null ? "—" : `${h.database.latencyMs} ms` },
              { label: "Slow above", value: `${HEALTH_LIMITS.dbSlowMs} ms` },
              ...(h.database.error ? [{ label: "Error", value: h.database.error }] : []),
            ]}
          />
        </Part>
        <Part title="Migrations" status={h.migrations.status} testId="health-migrations">
          <Facts
            items={[
              { label: "Applied / expected", value: m ? `${m.applied} / ${m.expected}` : "—" },
              { label: "Last applied", value: m?.lastAppliedAt ? m.lastAppliedAt.toISOString().slice(0, 10) : "—" },
              { label: "Not applied", value: m?.pending.length ? m.pending.join(", ") : "none" },
              ...(h.migrations.error ? [{ label: "Error", value: h.migrations.error }] : []),
            ]}
          />
        </Part>
        <Part
          title={h.stripe.mode === "emulator" ? "Stripe (local emulator)" : "Stripe"}
          status={h.stripe.status}
          testId="health-stripe"
        >
          <Facts
            items={[
              { label: "Probed", value: h.stripe.target ? <Mono>{h.stripe.target}</Mono> : "not checked from here" },
              { label: "Round trip", value: h.stripe.latencyMs === null ? "—" : `${h.stripe.latencyMs} ms` },
              ...(h.stripe.error ? [{ label: "Error", value: h.stripe.error }] : []),
            ]}
          />
        </Part>
        <Part title="Webhook backlog" status={h.webhooks.status} testId="health-webhooks">
          <Facts
            items={[
              { label: "Unprocessed", value: w ? formatNumber(w.pending) : "—" },
              {
                label: "Failed",
                value: w ? (
                  <Link
                    href="/admin/webhooks?status=failed"
                    className="text-indigo-700 hover:underline dark:text-indigo-400"
                  >
                    {formatNumber(w.failed)}
                  </Link>
                ) : (
                  "—"
                ),
              },
              { label: "Oldest unprocessed", value: w?.oldestPendingAt ? ago(w.oldestPendingAt, now) : "none" },
              { label: "Last received", value: ago(w?.lastReceivedAt, now) },
            ]}
          />
        </Part>
        <Part title="Usage reconciliation" status={h.reconciliation.status} testId="health-reconciliation">
          {run ? (
            <Facts
              items={[
                {
                  label: "Last run",
                  value: (
                    <span className="flex items-center gap-2">
                      <StatusBadge status={run.status} /> {ago(run.finishedAt ?? run.startedAt, now)}
                    </span>
                  ),
                },
                ...h.reconciliation.summary.map((s) => ({ label: s.label, value: formatNumber(s.value) })),
                ...(run.error ? [{ label: "Error", value: run.error }] : []),
              ]}
            />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              No run recorded yet. It runs hourly inside the app (job usage.reconcile), or by hand with npm run
              usage:reconcile or POST /api/cron/usage.
            </p>
          )}
        </Part>
        <Part title="Ingest" status={h.ingest.status} testId="health-ingest">
          <Facts
            items={[
              {
                label: "Last 5 minutes",
                value: h.ingest.facts
                  ? `${formatNumber(h.ingest.facts.last5m)} events (${h.ingest.perMinute5m}/min)`
                  : "—",
              },
              {
                label: "Last 15 minutes",
                value: h.ingest.facts
                  ? `${formatNumber(h.ingest.facts.last15m)} events (${h.ingest.perMinute15m}/min)`
                  : "—",
              },
            ]}
          />
        </Part>
        <div className="md:col-span-2">
          <Part title="Scheduled jobs" status={h.jobs.status} testId="health-jobs">
            {h.jobs.list.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                {h.jobs.error ?? "No jobs are registered in this instance."}
              </p>
            ) : (
              <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
                {h.jobs.list.map((j) => (
                  <li key={j.name} className="py-2" data-testid={`health-job-${j.name}`}>
                    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                      <Mono>{j.name}</Mono>
                      <StatusBadge status={j.status} />
                      <span className="text-zinc-600 dark:text-zinc-400">
                        every {every(j.everyMs)} · last success {ago(j.state?.lastSuccessAt, now)}
                        {j.state?.lastDurationMs != null ? ` · took ${j.state.lastDurationMs} ms` : ""}
                      </span>
                    </div>
                    {j.reason ? <p className="mt-1 text-red-700 dark:text-red-400">{j.reason}</p> : null}
                    {j.state?.lastErrorDetail ? (
                      <details className="mt-1">
                        <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Technical detail</summary>
                        <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">
                          {j.state.lastErrorDetail}
                        </pre>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Part>
        </div>
        <Part title="This instance" status="ok" testId="health-app">
          <Facts
            items={[
              { label: "Version", value: h.app.version },
              { label: "Up for", value: duration(h.app.uptimeSeconds) },
              { label: "Node", value: h.app.node },
            ]}
          />
        </Part>
      </div>
    </div>
  );
}
