import "server-only";
import { and, gte, lt, sql } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";
import { addMonths } from "@/lib/plans";
import { recurringFromGroups, SECONDS_PER_MONTH, type CoverGroup, type RecurringAt } from "./revenue";

/**
 * Monthly series for the overview charts (UTC months, oldest first, every month present), and
 * the same figures at one instant for the cards: each figure has one definition (see
 * revenue.ts for MRR), evaluated for the chart at each month's end and, for the current month,
 * at now; the card is the chart's last point.
 */

export type MonthPoint = { month: string };
export type SignupPoint = MonthPoint & { signups: number };
export type MrrPoint = MonthPoint & { cents: number };
export type MrrSeries = { currency: string; points: MrrPoint[] }[];

export function lastMonths(now: Date, n: number): Date[] {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return Array.from({ length: n }, (_, i) => addMonths(first, i - (n - 1)));
}

const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** The instant a month's point is read at: its last millisecond, or now for the month running. */
export function monthInstant(monthStart: Date, now: Date): Date {
  const end = new Date(addMonths(monthStart, 1).getTime() - 1);
  return end.getTime() < now.getTime() ? end : now;
}

/** New organizations: created in [from, to). The card's "new this month" is the chart's current month. */
export async function newOrganizations(db: Queryable, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(organizations)
    .where(and(gte(organizations.createdAt, from), lt(organizations.createdAt, to)));
  return row?.n ?? 0;
}

export async function signupsByMonth(db: Queryable, now = new Date(), months = 12): Promise<SignupPoint[]> {
  const list = lastMonths(now, months);
  const rows = await db
    .select({
      month: sql<string>`to_char(date_trunc('month', ${organizations.createdAt} at time zone 'UTC'), 'YYYY-MM')`,
      signups: sql<number>`count(*)`.mapWith(Number),
    })
    .from(organizations)
    .where(and(gte(organizations.createdAt, list[0]!), lt(organizations.createdAt, now)))
    .groupBy(sql`1`);
  const byMonth = new Map(rows.map((r) => [r.month, r.signups]));
  return list.map((m) => ({ month: monthKey(m), signups: byMonth.get(monthKey(m)) ?? 0 }));
}

/**
 * Recurring revenue at each instant (see revenue.ts). SQL picks, per instant and organization,
 * the covering full-price subscription lines of the latest-starting period (one invoice), and
 * sums them by currency and cycle length; lib/money does the division.
 */
export async function recurringAt(db: Queryable, instants: Date[]): Promise<RecurringAt[]> {
  if (instants.length === 0) return [];
  const values = sql.join(
    instants.map((t, i) => sql`(${i}::int, ${t.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const first = new Date(Math.min(...instants.map((t) => t.getTime())));
  const last = new Date(Math.max(...instants.map((t) => t.getTime())));
  const result = await db.execute(sql`
    with m(k, at) as (values ${values}),
    lines as (
      select l.invoice_id, l.period_start, l.period_end, l.amount_cents, i.organization_id, i.currency, i.issued_at
      from invoice_lines l
      join invoices i on i.id = l.invoice_id
      where l.kind = 'subscription' and not l.proration
        and l.period_start <= ${last.toISOString()}::timestamptz and l.period_end > ${first.toISOString()}::timestamptz
        and i.billing_reason like 'subscription%'
        and (i.status = 'paid' or (i.status = 'open' and i.billing_reason <> 'subscription_create'))
    ),
    cover as (
      select m.k, c.* from m join lines c on c.period_start <= m.at and c.period_end > m.at
    ),
    chosen as (
      select distinct on (k, organization_id) k, organization_id, invoice_id, period_start
      from cover
      order by k, organization_id, period_start desc, issued_at desc, invoice_id desc
    ),
    per_org as (
      select c.k, c.organization_id, c.currency,
        greatest(1, round(extract(epoch from (c.period_end - c.period_start)) / ${SECONDS_PER_MONTH}))::int as months,
        sum(c.amount_cents)::bigint as cents
      from cover c
      join chosen x on x.k = c.k and x.organization_id = c.organization_id and x.invoice_id = c.invoice_id
        and x.period_start = c.period_start
      group by 1, 2, 3, 4
    ),
    org_totals as (
      select k, organization_id, sum(cents) as cents from per_org group by 1, 2
    )
    select 'g' as kind, k, currency, months, sum(cents)::bigint as cents from per_org group by k, currency, months
    union all
    select 'p' as kind, k, null, null, count(*)::bigint from org_totals where cents > 0 group by k
  `);
  const rows = rowsOf<{
    kind: "g" | "p";
    k: number | string;
    currency: string | null;
    months: number | string | null;
    cents: number | string;
  }>(result);
  return instants.map((_, i) => {
    const mine = rows.filter((r) => Number(r.k) === i);
    const groups: CoverGroup[] = mine
      .filter((r) => r.kind === "g")
      .map((r) => ({ currency: r.currency!, months: Number(r.months), cents: Number(r.cents) }));
    const paying = Number(mine.find((r) => r.kind === "p")?.cents ?? 0);
    return recurringFromGroups(groups, paying);
  });
}

/** MRR by month: the MRR at each month's end (now for the current month), per currency. */
export async function mrrByMonth(db: Queryable, now = new Date(), months = 12): Promise<MrrSeries> {
  const list = lastMonths(now, months);
  const at = await recurringAt(
    db,
    list.map((m) => monthInstant(m, now)),
  );
  const currencies = [...new Set(at.flatMap((a) => a.mrr.map((m) => m.currency)))].sort();
  return currencies.map((currency) => ({
    currency,
    points: list.map((m, i) => ({
      month: monthKey(m),
      cents: at[i]!.mrr.find((x) => x.currency === currency)?.cents ?? 0,
    })),
  }));
}
