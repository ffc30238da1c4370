import "server-only";
import { gte, sql } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";
import { sumMinor } from "@/lib/money";
import { addMonths } from "@/lib/plans/period";
import { monthlyShare } from "./revenue";

/**
 * Monthly series for the overview charts (UTC months, oldest first, every month present).
 *
 * MRR by month comes from subscription invoices: each paid or open invoice counts in every
 * month whose first day its period covers, at its total divided by the months it covers (an
 * annual invoice counts a twelfth a month). This needs no subscription history table and
 * matches what was actually billed.
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

export async function signupsByMonth(db: Queryable, now = new Date(), months = 12): Promise<SignupPoint[]> {
  const list = lastMonths(now, months);
  const rows = await db
    .select({
      month: sql<string>`to_char(date_trunc('month', ${organizations.createdAt} at time zone 'UTC'), 'YYYY-MM')`,
      signups: sql<number>`count(*)`.mapWith(Number),
    })
    .from(organizations)
    .where(gte(organizations.createdAt, list[0]!))
    .groupBy(sql`1`);
  const byMonth = new Map(rows.map((r) => [r.month, r.signups]));
  return list.map((m) => ({ month: monthKey(m), signups: byMonth.get(monthKey(m)) ?? 0 }));
}

export async function mrrByMonth(db: Queryable, now = new Date(), months = 12): Promise<MrrSeries> {
  const list = lastMonths(now, months);
  const values = sql.join(
    list.map((m) => sql`(${m.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const result = await db.execute(sql`
    select to_char(m.month_start at time zone 'UTC', 'YYYY-MM') as month, i.currency,
      greatest(1, round(extract(epoch from (i.period_end - i.period_start)) / 2629746))::int as period_months,
      sum(i.total_cents)::bigint as total
    from (values ${values}) as m(month_start)
    join invoices i on i.period_start <= m.month_start and i.period_end > m.month_start
    where i.status in ('paid', 'open') and i.billing_reason like 'subscription%'
      and i.period_end > ${list[0]!.toISOString()}::timestamptz and i.period_start <= ${list[list.length - 1]!.toISOString()}::timestamptz
    group by 1, 2, 3
  `);
  const rows = rowsOf<{ month: string; currency: string; period_months: number | string; total: number | string }>(
    result,
  );
  const byCurrency = new Map<string, Map<string, number[]>>();
  for (const r of rows) {
    const months = byCurrency.get(r.currency) ?? new Map<string, number[]>();
    byCurrency.set(r.currency, months);
    months.set(r.month, [...(months.get(r.month) ?? []), monthlyShare(Number(r.total), Number(r.period_months))]);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, months]) => ({
      currency,
      points: list.map((m) => ({ month: monthKey(m), cents: sumMinor(months.get(monthKey(m)) ?? []) })),
    }));
}
