import Link from "next/link";
import { MrrChart, SignupsChart } from "@/components/admin/charts";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Card, CardTitle } from "@/components/ui/card";
import { UsageBar } from "@/components/ui/usage-bar";
import { getDb } from "@/db/client";
import { getOverviewMetrics, mrrByMonth, signupsByMonth, type MoneyByCurrency } from "@/lib/admin";
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

const monthName = (m: string) =>
  new Date(`${m}-01T00:00:00Z`).toLocaleString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

/** A chart's numbers as a table, folded away: the same points, readable and copyable. */
function FigureTable({ caption, rows, testId }: { caption: string; rows: [string, string][]; testId: string }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-xs font-medium text-indigo-700 dark:text-indigo-400">
        Show the numbers
      </summary>
      <table className="mt-2 w-full text-left" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row" className="py-1 font-normal text-zinc-600 dark:text-zinc-400">
                {k}
              </th>
              <td className="tabular py-1 text-right">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
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
        description={`${formatNumber(m.totalOrganizations)} organizations in all: ${formatNumber(m.activeOrganizations)} active, ${formatNumber(m.suspended)} suspended.`}
      />

      <section aria-label="Key figures" className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3">
        <Stat
          title="MRR"
          note={`From ${formatNumber(m.recurring.paying)} paying ${m.recurring.paying === 1 ? "organization" : "organizations"}: what their subscriptions bill a month now (an annual plan counts a twelfth; a past-due renewal counts until it is canceled). The MRR chart's last point.`}
        >
          <Money amounts={m.recurring.mrr} testId="mrr" />
        </Stat>
        <Stat title="ARR" note="MRR × 12.">
          <Money amounts={m.recurring.arr} testId="arr" />
        </Stat>
        <Stat title="Organizations" note={`${formatNumber(m.suspended)} suspended.`}>
          <span data-testid="active-orgs">{formatNumber(m.activeOrganizations)}</span>
          <span className="text-sm font-normal text-zinc-500"> active</span>
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
        <Stat title="New this month" note="Organizations created since the 1st (UTC): the signups chart's last bar.">
          <span data-testid="new-this-month">{formatNumber(m.newThisMonth)}</span>
        </Stat>
        <Stat title="Churned this month" note="Paid subscriptions canceled since the 1st (UTC).">
          {formatNumber(m.churnedThisMonth)}
        </Stat>
        <Stat title="Paid subscriptions by status" note="Subscriptions to a paid plan; Free has none.">
          {m.paidSubscriptionsByStatus.length === 0 ? (
            <span className="text-sm font-normal text-zinc-500">None yet</span>
          ) : (
            <ul className="flex flex-wrap gap-2 text-sm font-normal">
              {m.paidSubscriptionsByStatus.map((s) => (
                <li key={s.status} className="flex items-center gap-1">
                  <StatusBadge status={s.status} /> <span className="tabular">{formatNumber(s.subscriptions)}</span>
                </li>
              ))}
            </ul>
          )}
        </Stat>
      </section>

      <section aria-labelledby="by-plan">
        <SectionHeading id="by-plan">Organizations by plan</SectionHeading>
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
            MRR at each month&apos;s end, and now for this month: the same definition as the MRR card.
          </p>
          {mrrSeries.length === 0 ? (
            <EmptyState title="No subscription invoices yet" />
          ) : (
            mrrSeries.map((s) => (
              <div key={s.currency}>
                <MrrChart points={s.points} currency={s.currency} />
                <FigureTable
                  caption={`MRR by month in ${s.currency.toUpperCase()}`}
                  testId={`mrr-series-${s.currency}`}
                  rows={s.points.map((p) => [monthName(p.month), formatMoney(p.cents, s.currency)])}
                />
              </div>
            ))
          )}
        </Card>
        <Card>
          <CardTitle>Signups by month</CardTitle>
          <p className="mb-2 text-xs text-zinc-500">New organizations, last 12 months (this month: so far).</p>
          <SignupsChart points={signups} />
          <FigureTable
            caption="New organizations by month"
            testId="signups-series"
            rows={signups.map((p) => [monthName(p.month), formatNumber(p.signups)])}
          />
        </Card>
      </section>

      <section aria-labelledby="leaders">
        <SectionHeading id="leaders">Usage leaders</SectionHeading>
        <p className="-mt-2 mb-3 text-xs text-zinc-500">
          Executions in each organization&apos;s current usage period, against the limit in force in it.
        </p>
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
