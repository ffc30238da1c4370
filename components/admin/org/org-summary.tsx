import { Facts, Mono } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { Card, CardTitle } from "@/components/ui/card";
import type { OrgDetail } from "@/lib/admin/org-detail";
import { formatDate, formatDateRange } from "@/lib/format";
import { balanceText } from "@/components/billing/format";
import type { CustomerBalance } from "@/lib/invoices/upcoming";
import { formatMoney } from "@/lib/money";

/** The subscription (with its Stripe ids) and the organization's own facts. */
export function OrgSummary({ detail, balance }: { detail: OrgDetail; balance: CustomerBalance }) {
  const { organization: org, usage, recurringCents } = detail;
  const sub = usage.subscription;
  const cycle = sub?.billingCycle ?? "monthly";
  const price =
    recurringCents === null
      ? "Custom, not set"
      : recurringCents === 0
        ? "Free"
        : `${formatMoney(recurringCents, usage.plan.currency)} / ${cycle === "annual" ? "year" : "month"}`;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardTitle>Subscription</CardTitle>
        <div className="mt-2 mb-4 flex flex-wrap items-center gap-2">
          <span className="text-xl font-semibold" data-testid="admin-plan-name">
            {usage.plan.name}
          </span>
          <StatusBadge status={sub?.status ?? "active"} />
          {sub?.cancelAtPeriodEnd ? <StatusBadge status="canceled" /> : null}
          {usage.degradedToFree ? (
            <span className="text-xs font-medium text-red-700 dark:text-red-400">on Free limits (dunning)</span>
          ) : null}
        </div>
        <Facts
          items={[
            { label: "Price", value: price },
            {
              label: "Stripe balance",
              value: (() => {
                const b = balanceText(balance, "en-US");
                if (!b) return "None";
                return (
                  <span data-testid="admin-credit-balance">
                    {b.amount ? `${b.amount} ${b.tone === "credit" ? "credit" : "owed"}` : "not available"}
                  </span>
                );
              })(),
            },
            { label: "Cycle · seats", value: `${cycle} · ${sub?.seats ?? 1}` },
            {
              label: "Current period",
              value: sub ? formatDateRange(sub.currentPeriodStart, sub.currentPeriodEnd) : "—",
            },
            { label: "Usage period", value: formatDateRange(usage.usagePeriod.start, usage.usagePeriod.end) },
            ...(sub?.cancelAtPeriodEnd || sub?.cancellationReason
              ? [
                  {
                    label: sub.cancelAtPeriodEnd ? "Cancels on" : "Cancelled",
                    value: formatDate(sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : sub.canceledAt),
                  },
                  {
                    label: "Cancellation reason",
                    value: (
                      <span data-testid="admin-cancellation-reason">{sub.cancellationReason ?? "None given"}</span>
                    ),
                  },
                ]
              : []),
            { label: "Trial ends", value: formatDate(sub?.trialEnd) },
            { label: "Past due since", value: formatDate(sub?.pastDueSince) },
            {
              label: "Stripe subscription",
              value: sub?.stripeSubscriptionId ? <Mono>{sub.stripeSubscriptionId}</Mono> : "—",
            },
            { label: "Stripe price", value: sub?.stripePriceId ? <Mono>{sub.stripePriceId}</Mono> : "—" },
          ]}
        />
      </Card>
      <Card>
        <CardTitle>Organization</CardTitle>
        <div className="mt-2 mb-4 flex flex-wrap items-center gap-2">
          <StatusBadge status={org.status} />
          <span className="text-sm text-zinc-500">since {formatDate(org.createdAt)}</span>
        </div>
        <Facts
          items={[
            { label: "Slug", value: <Mono>{org.slug}</Mono> },
            { label: "Id", value: <Mono>{org.id}</Mono> },
            { label: "Stripe customer", value: org.stripeCustomerId ? <Mono>{org.stripeCustomerId}</Mono> : "—" },
            { label: "Billing email", value: org.billingEmail ?? "—" },
            { label: "Currency", value: org.currency.toUpperCase() },
            { label: "Members", value: detail.members.length },
          ]}
        />
      </Card>
    </div>
  );
}
