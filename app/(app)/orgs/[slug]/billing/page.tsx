import type { Metadata } from "next";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { UsageBar } from "@/components/ui/usage-bar";
import { getDb } from "@/db/client";
import { requireOrgRole } from "@/lib/auth/session";
import { recurringAmount } from "@/lib/billing/price";
import { formatDate, formatDateRange } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { fmt, METRIC_LABEL } from "@/lib/plans/limits";
import { getUsageOverview } from "@/lib/usage/summary";

export const metadata: Metadata = { title: "Billing & usage" };

const STATUS_TONE: Record<string, BadgeTone> = {
  active: "green",
  trialing: "indigo",
  past_due: "red",
  unpaid: "red",
  canceled: "neutral",
  incomplete: "amber",
};

export default async function BillingPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { organization } = await requireOrgRole(slug, "member");
  const overview = await getUsageOverview(await getDb(), organization.id);
  const { plan, subscription } = overview;
  const amount = recurringAmount(plan, subscription);
  const cycle = subscription?.billingCycle ?? "monthly";
  const status = subscription?.status ?? "active";

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Billing &amp; usage</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Usage period {formatDateRange(overview.usagePeriod.start, overview.usagePeriod.end)}
          </p>
        </div>
      </div>

      {overview.degradedToFree ? (
        <p role="alert" className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200 dark:bg-red-950/40 dark:text-red-200 dark:ring-red-900">
          Your payment is overdue past the grace period, so Free plan limits apply until the invoice is paid.
        </p>
      ) : null}

      <Card>
        <CardTitle id="plan-heading">Current plan</CardTitle>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <p className="text-2xl font-semibold" data-testid="plan-name">
            {plan.name}
          </p>
          <Badge tone={STATUS_TONE[status] ?? "neutral"}>{status.replace("_", " ")}</Badge>
          {plan.id !== "free" ? <Badge>{cycle === "annual" ? "Annual" : "Monthly"}</Badge> : null}
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-zinc-500">Price</dt>
            <dd className="tabular font-medium">
              {amount === null ? "Custom" : amount === 0 ? "Free" : `${formatMoney(amount, plan.currency)} / ${cycle === "annual" ? "year" : "month"}`}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Seats</dt>
            <dd className="tabular font-medium">{plan.perSeat ? subscription?.seats ?? 1 : "—"}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">{plan.id === "free" ? "Usage resets" : "Renews"}</dt>
            <dd className="font-medium">
              {formatDate(plan.id === "free" ? overview.usagePeriod.end : subscription?.currentPeriodEnd)}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Organization</dt>
            <dd className="font-medium">{organization.name}</dd>
          </div>
        </dl>
      </Card>

      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading" className="mb-3 text-lg font-semibold">
          Usage this period
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {overview.metrics.map((m) => (
            <li key={m.metric}>
              <Card>
                <CardTitle>{METRIC_LABEL[m.metric]}</CardTitle>
                <p className="tabular mt-2 text-xl font-semibold" data-testid={`usage-${m.metric}`}>
                  {fmt(m.used, m.metric)}
                  <span className="text-sm font-normal text-zinc-500">
                    {" "}
                    / {m.limit === null ? "unlimited" : fmt(m.limit, m.metric)}
                  </span>
                </p>
                <div className="mt-3">
                  <UsageBar percent={m.percent} label={`${METRIC_LABEL[m.metric]} used of limit`} />
                </div>
              </Card>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
