import type { Metadata } from "next";
import { pastDueInvoiceOf } from "@/components/billing/format";
import { BillingBanners } from "@/components/dashboard/billing-banners";
import { EmptyUsage } from "@/components/dashboard/empty-usage";
import { PeriodAlerts } from "@/components/dashboard/period-alerts";
import { PeriodChart } from "@/components/dashboard/period-chart";
import { PlanSummary } from "@/components/dashboard/plan-summary";
import { UsageCards, type UsageCardData } from "@/components/dashboard/usage-cards";
import { UsageHistory } from "@/components/dashboard/usage-history";
import { Toaster } from "@/components/ui/toast";
import { getDb } from "@/db/client";
import { getStripeBillingOutlook } from "@/lib/invoices";
import { getStripe } from "@/lib/stripe/client";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import { recurringAmount } from "@/lib/plans";
import { env } from "@/lib/env";
import { isEnabled } from "@/lib/flags";
import { formatDateRange } from "@/lib/format";
import {
  describeChange,
  describePeriodUse,
  describeProjection,
  parseRangeDays,
  periodChartPoints,
  projectToPeriodEnd,
  RANGE_DAYS,
} from "@/lib/usage/projection";
import { getBillingDashboard, type BillingDashboard } from "@/lib/usage/trends";
import { overLimits } from "@/lib/billing/fit";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { limitForMetric, limitsOf } from "@/lib/plans/limits";
import type { Plan } from "@/db/schema";
import { getPlan } from "@/lib/plans/state";
import { requestLocale } from "../_dashboard/locale";
import { resumeSubscriptionAction } from "../plan/actions";

export const metadata: Metadata = { title: "Billing & usage" };

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function BillingPage({ params, searchParams }: Props) {
  const { slug } = await params;
  // A bad ?days= (anything but 30, 90 or 365) falls back to 30 days.
  const days = parseRangeDays((await searchParams).days);
  const { organization, role } = await requireOrgRole(slug, "member");
  const db = await getDb();
  const [data, outlook, forecast, locale, free] = await Promise.all([
    getBillingDashboard(db, organization.id, { days }),
    getStripeBillingOutlook(db, getStripe(), organization.id),
    isEnabled("usage-forecast", organization.id),
    requestLocale(),
    getPlan(db, FREE_PLAN_ID),
  ]);
  const { overview, now } = data;
  const { plan, subscription: sub, usagePeriod } = overview;
  const canManage = canManageBilling(role);
  const executions = overview.metrics.find((m) => m.metric === "executions")!;
  const projection = projectToPeriodEnd({ used: executions.used, limit: executions.limit, period: usagePeriod, now });
  const base = `/orgs/${organization.slug}/billing`;
  const cards = cardsOf(data);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Billing &amp; usage</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {organization.name} · usage period {formatDateRange(usagePeriod.start, usagePeriod.end, locale)}
        </p>
      </div>

      <BillingBanners
        slug={organization.slug}
        planName={plan.name}
        locale={locale}
        now={now}
        canManage={canManage}
        pastDue={pastDueInvoiceOf(sub, data.outstanding, plan.currency, env().dunningGraceDays)}
        degraded={overview.degradedToFree}
        cancelScheduled={
          sub?.cancelAtPeriodEnd && sub.status !== "canceled"
            ? { endsOn: data.nextInvoice.kind === "ending" ? data.nextInvoice.date : sub.currentPeriodEnd }
            : null
        }
        overLimits={overLimitsOf(data, sub?.cancelAtPeriodEnd && sub.status !== "canceled" ? (free ?? null) : null)}
        endedOn={plan.id === FREE_PLAN_ID && sub?.canceledAt ? sub.canceledAt : null}
        trial={sub?.status === "trialing" && sub.trialEnd && sub.trialEnd > now ? { endsOn: sub.trialEnd } : null}
        resumeAction={canManage ? resumeSubscriptionAction.bind(null, organization.slug) : null}
      />

      <PlanSummary
        slug={organization.slug}
        plan={plan}
        status={sub?.status ?? null}
        cycle={sub?.billingCycle ?? "monthly"}
        seats={sub?.seats ?? null}
        priceCents={recurringAmount(plan, sub)}
        cancelAtPeriodEnd={Boolean(sub?.cancelAtPeriodEnd)}
        nextInvoice={data.nextInvoice}
        upcoming={outlook.upcoming}
        balance={outlook.balance}
        usagePeriod={usagePeriod}
        locale={locale}
        canManage={canManage}
        suspended={organization.status === "suspended"}
      />

      <UsageCards metrics={cards} locale={locale} />

      <PeriodAlerts alerts={data.alerts} locale={locale} />

      {data.hasUsage ? (
        <>
          <PeriodChart
            points={periodChartPoints(data.periodDaily, usagePeriod, now, forecast ? projection : null)}
            summary={describePeriodUse({
              used: executions.used,
              limit: executions.limit,
              period: usagePeriod,
              now,
              locale,
            })}
            limit={executions.limit}
            projection={
              forecast
                ? describeProjection(projection, {
                    period: usagePeriod,
                    locale,
                    unit: "executions",
                    overagePriced: data.executionsOveragePriced,
                  })
                : null
            }
            change={cards.find((c) => c.metric === "executions")?.change ?? null}
            locale={locale}
          />
          <UsageHistory
            days={days}
            options={RANGE_DAYS}
            rangeHref={(d) => `${base}?days=${d}`}
            exportHref={`/api/orgs/${organization.slug}/usage/export?days=${days}`}
            points={data.range.points}
            limits={{
              agents: overview.metrics.find((m) => m.metric === "agents")?.limit ?? null,
              gateways: overview.metrics.find((m) => m.metric === "gateways")?.limit ?? null,
              storage_bytes: overview.metrics.find((m) => m.metric === "storage_bytes")?.limit ?? null,
            }}
            locale={locale}
          />
        </>
      ) : (
        <EmptyUsage slug={organization.slug} canManage={canManage} />
      )}
      <Toaster />
    </div>
  );
}

/** Cards with their trend: executions against the same point last period, gauges' peak against last period's. */
/**
 * What the banner lists as over: on Free, what is over Free's limits now (nothing is deleted;
 * more is refused); while a cancellation is scheduled, what will be over Free's limits then
 * (executions start again with the new period, so they are left out).
 */
function overLimitsOf({ overview }: BillingDashboard, freeAfterCancel: Plan | null) {
  if (freeAfterCancel) {
    const limits = limitsOf(freeAfterCancel);
    return overLimits(
      overview.metrics
        .filter((m) => m.metric !== "executions")
        .map((m) => ({ metric: m.metric, used: m.used, limit: limitForMetric(limits, m.metric) })),
      freeAfterCancel.name,
    );
  }
  if (overview.plan.id !== FREE_PLAN_ID || overview.degradedToFree) return [];
  return overLimits(overview.metrics, overview.plan.name);
}

function cardsOf(data: BillingDashboard): UsageCardData[] {
  const byMetric = new Map(data.comparison.metrics.map((m) => [m.metric as string, m]));
  return data.overview.metrics.map((m) => {
    const c = byMetric.get(m.metric);
    const change = !c
      ? null
      : m.metric === "executions"
        ? describeChange(c.current, c.previousToDate ?? 0, "the same point last period")
        : describeChange(c.current, c.previous, "last period’s peak");
    return {
      metric: m.metric,
      used: m.used,
      peak: m.peak,
      limit: m.limit,
      percent: m.percent,
      change,
      reserved: m.reserved,
    };
  });
}
