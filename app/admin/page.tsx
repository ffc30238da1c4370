import Link from "next/link";
import { MrrChart, SignupsChart } from "@/components/admin/charts";
import { EmptyState, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { PageHeader, SectionTitle } from "@/components/admin/page-header";
import { StatusBadge } from "@/components/admin/status-badge";
import { Card, CardTitle } from "@/components/ui/card";
import { UsageBar } from "@/components/ui/usage-bar";
import { getDb } from "@/db/client";
import { getOverviewMetrics, mrrByMonth, signupsByMonth } from "@/lib/admin";
import type { MoneyByCurrency } from "@/lib/admin/revenue";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";
import { formatMoney } from "@/lib/money";

export const dynamic = "force-dynamic";

function Money({ amounts, testId }: { amounts: MoneyByCurrency; testId?: string }) {
  if (amounts.length === 0) return <span data-testid={testId}>{formatMoney(0, "usd")}</span>;
  return (
    <span data-testid={testId} className="flex flex-col">
      {amounts.map((a) => (
        <span key={a.currency}>{formatMoney(a.cents, a.currency)}</span>
      ))}
    </span>
  );
}

function Stat({ title, children, note }: { title: string; children: React.ReactNode; note?: React.ReactNode }) {
  return (
    <Card>
      <CardTitle>{title}</CardTitle>
      <div className="tabular mt-2 text-2xl font-semibold">{children}</div>
      {note ? <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{note}</p> : null}
    </Card>
  );
}

export default async function AdminOverviewPage() {
  await requirePlatformAdmin();
  const db = await getDb();
  const now = new Date();
  const [m, mrrSeries, signups] = await Promise.all([
    getOverviewMetrics(db, now),
    mrrByMonth(db, now),
    signupsByMonth(db, now),
  ]);
  return (
    <div className="space-y-8">
      <PageHeader
        title="Platform overview"
        description={`${formatNumber(m.totalOrganizations)} organizations in all, ${formatNumber(m.suspended)} suspended.`}
      />

      <section aria-label="Key figures" className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3">
        <Stat
          title="MRR"
          note={`From ${formatNumber(m.recurring.paying)} paying active subscriptions; annual plans count a twelfth.${m.recurring.unpriced ? ` ${m.recurring.unpriced} custom-priced without a price are not counted.` : ""}`}
        >
          <Money amounts={m.recurring.mrr} testId="mrr" />
        </Stat>
        <Stat title="ARR" note="Monthly × 12 plus annual amounts.">
          <Money amounts={m.recurring.arr} testId="arr" />
        </Stat>
        <Stat
          title="Past due"
          note={
            <>
              {m.pastDue.outstanding.length
                ? m.pastDue.outstanding.map((a) => formatMoney(a.cents, a.currency)).join(" + ")
                : formatMoney(0, "usd")}{" "}
              outstanding on open invoices
            </>
          }
        >
          <span data-testid="past-due-count">{formatNumber(m.pastDue.organizations)}</span>
          <span className="text-sm font-normal text-zinc-500">
            {" "}
            {m.pastDue.organizations === 1 ? "organization" : "organizations"}
          </span>
        </Stat>
        <Stat title="New this month" note="Organizations created since the 1st (UTC).">
          {formatNumber(m.newThisMonth)}
        </Stat>
        <Stat title="Churned this month" note="Subscriptions canceled since the 1st (UTC).">
          {formatNumber(m.churnedThisMonth)}
        </Stat>
        <Stat title="Subscriptions by status">
          <ul className="flex flex-wrap gap-2 text-sm font-normal">
            {m.bySubscriptionStatus.map((s) => (
              <li key={s.status} className="flex items-center gap-1">
                <StatusBadge status={s.status} /> <span className="tabular">{formatNumber(s.subscriptions)}</span>
              </li>
            ))}
          </ul>
        </Stat>
      </section>

      <section aria-labelledby="by-plan">
        <SectionTitle id="by-plan">Organizations by plan</SectionTitle>
        <ul className="grid grid-cols-3 gap-3 sm:gap-4">
          {m.byPlan.map((p) => (
            <li key={p.planId}>
              <Link
                href={`/admin/orgs?plan=${p.planId}`}
                className="block rounded-xl focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <Card className="hover:ring-indigo-300 dark:hover:ring-indigo-800">
                  <CardTitle>{p.planName}</CardTitle>
                  <p className="tabular mt-2 text-3xl font-semibold" data-testid={`plan-count-${p.planId}`}>
                    {formatNumber(p.organizations)}
                  </p>
                  <p className="mt-1 text-xs text-zinc-500">
                    {formatNumber(p.active)} active · {formatNumber(p.suspended)} suspended
                  </p>
                </Card>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-label="Trends" className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardTitle>MRR by month</CardTitle>
          <p className="mb-2 text-xs text-zinc-500">
            From subscription invoices; an annual invoice counts a twelfth each month.
          </p>
          {mrrSeries.length === 0 ? (
            <EmptyState title="No subscription invoices yet" />
          ) : (
            mrrSeries.map((s) => <MrrChart key={s.currency} points={s.points} currency={s.currency} />)
          )}
        </Card>
        <Card>
          <CardTitle>Signups by month</CardTitle>
          <p className="mb-2 text-xs text-zinc-500">New organizations, last 12 months.</p>
          <SignupsChart points={signups} />
        </Card>
      </section>

      <section aria-labelledby="leaders">
        <SectionTitle id="leaders">Usage leaders</SectionTitle>
        {m.leaders.length === 0 ? (
          <EmptyState title="No executions this period yet" />
        ) : (
          <TableFrame label="Organizations with the most executions this period">
            <THead>
              <Th>Organization</Th>
              <Th className="hidden sm:table-cell">Plan</Th>
              <Th align="right">Executions</Th>
              <Th className="w-32 sm:w-48">Of limit</Th>
            </THead>
            <TBody>
              {m.leaders.map((l) => (
                <tr key={l.organizationId}>
                  <Td>
                    <Link
                      href={`/admin/orgs/${l.organizationId}`}
                      className="font-medium text-indigo-700 hover:underline dark:text-indigo-400"
                    >
                      {l.name}
                    </Link>
                    <span className="block text-xs text-zinc-500">{l.slug}</span>
                  </Td>
                  <Td className="hidden sm:table-cell">{l.planName}</Td>
                  <Td align="right">{formatNumber(l.executions)}</Td>
                  <Td>
                    <UsageBar percent={l.percent} label={`${l.name}: executions used of limit`} />
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
