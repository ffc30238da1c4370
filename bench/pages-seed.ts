import { sql } from "drizzle-orm";
import type { Db } from "../db/types";
import { hashPassword } from "../lib/auth/password";

/**
 * Usage history for the customer-pages benchmark, on top of `seedManyOrganizations` (set-based
 * SQL, no per-row round trips): `days` UTC days of daily roll-ups for every benchmark
 * organization (four metrics a day, from the day it was created), the monthly counters those
 * days add up to, a closed usage record per past month, and invoices with their lines for every
 * month of the history of paying organizations.
 */
export async function seedUsageHistory(
  db: Db,
  opts: { orgs: number; days: number; onProgress?: (step: string) => void },
): Promise<void> {
  const chunk = 1_000;
  // usage_daily: executions scale with the plan's monthly limit (45–95% of it over a month,
  // quieter at weekends, growing over the history); gauges a share of their limits.
  for (let first = 1; first <= opts.orgs; first += chunk) {
    const last = Math.min(opts.orgs, first + chunk - 1);
    await db.execute(sql`
      insert into usage_daily (organization_id, metric, day, value, last_value, last_at, event_count)
      select organization_id, metric, day, value,
        -- Gauges: the day's latest observation, at noon UTC.
        case when metric = 'executions' then null else value end,
        case when metric = 'executions' then null else (day::timestamp + interval '12 hours') at time zone 'utc' end,
        case when metric = 'executions' then 4 else 1 end
      from (
        select o.id as organization_id, m.metric, d.day,
          case m.metric
            when 'executions' then greatest(0, round(coalesce(s.max_executions_per_month, 5000000)::numeric / 30 * (0.45 + (o.g % 50) / 100.0)
              * (case when extract(isodow from d.day) >= 6 then 0.55 else 1.12 end) * d.growth * (0.85 + ((o.g * 31 + d.i * 17) % 100) / 333.0)))::bigint
            when 'agents' then greatest(1, round(coalesce(s.max_agents, 1000) * (0.15 + (o.g % 10) / 20.0) * d.growth))::bigint
            when 'gateways' then greatest(1, round(coalesce(s.max_gateways, 100) * (0.1 + (o.g % 7) / 10.0) * d.growth))::bigint
            else round(coalesce(s.max_storage_gb, 1000)::numeric * 1000000000 * (0.1 + (o.g % 13) / 20.0) * d.growth)::bigint
          end as value
        from (select id, created_at, substr(slug, 5)::int as g from organizations where slug like 'org-%' and substr(slug, 5)::int between ${first}::int and ${last}::int) o
        join subscriptions s on s.organization_id = o.id
        cross join (values ('executions'::usage_metric), ('agents'), ('gateways'), ('storage_bytes')) as m(metric)
        cross join lateral (
          select ((now() at time zone 'utc')::date - i) as day, i, 0.7 + 0.3 * (${opts.days - 1}::int - i) / ${Math.max(1, opts.days - 1)}::numeric as growth
          from generate_series(0, ${opts.days - 1}::int) i
        ) d
        where d.day >= (o.created_at at time zone 'utc')::date
      ) v
      -- In primary-key order: the index then grows at a few places instead of everywhere (~3x faster).
      order by organization_id, metric, day`);
    opts.onProgress?.(
      `daily usage of ${last.toLocaleString("en-US")} / ${opts.orgs.toLocaleString("en-US")} organizations`,
    );
  }
  const statements = [
    // The monthly counters of those days (replacing the three periods seedManyOrganizations wrote).
    sql`delete from usage_counters where organization_id in (select id from organizations where slug like 'org-%')`,
    sql`insert into usage_counters (organization_id, metric, period_start, period_end, value, current, current_at)
      select organization_id, metric, p.start, p.start + interval '1 month',
        case when metric = 'executions' then sum(value) else max(value) end,
        -- The gauges only grow over the history, so the period's last observation is its largest.
        case when metric = 'executions' then null else max(last_value) end,
        case when metric = 'executions' then null else max(last_at) end
      from usage_daily
      cross join lateral (select date_trunc('month', day::timestamp) at time zone 'utc' as start) p
      where organization_id in (select id from organizations where slug like 'org-%')
      group by organization_id, metric, p.start`,
    // A closed usage record per past month.
    sql`insert into usage_records (organization_id, period_start, period_end, plan_id, seats, users, agents, executions, storage_bytes, gateways,
        limits, base_cents, overage_cents, cost_cents, currency, closed_at)
      select c.organization_id, c.period_start, c.period_end, s.plan_id, s.seats,
        (select count(*) from memberships mm where mm.organization_id = c.organization_id),
        max(c.value) filter (where c.metric = 'agents'), max(c.value) filter (where c.metric = 'executions'),
        max(c.value) filter (where c.metric = 'storage_bytes'), max(c.value) filter (where c.metric = 'gateways'),
        jsonb_build_object('maxUsers', s.max_users, 'maxAgents', s.max_agents, 'maxExecutionsPerMonth', s.max_executions_per_month,
          'maxStorageGb', s.max_storage_gb, 'maxGateways', s.max_gateways),
        s.seats * coalesce(s.custom_price_per_seat_cents, p.price_per_seat_monthly_cents, 0), 0,
        s.seats * coalesce(s.custom_price_per_seat_cents, p.price_per_seat_monthly_cents, 0), 'usd', c.period_end
      from usage_counters c
      join subscriptions s on s.organization_id = c.organization_id
      join plans p on p.id = s.plan_id
      join organizations o on o.id = c.organization_id
      where o.slug like 'org-%' and c.period_end <= now()
      group by c.organization_id, c.period_start, c.period_end, s.id, p.id`,
    // Invoices for the months before the year seedManyOrganizations wrote, then one line per invoice.
    sql`insert into invoices (organization_id, source, number, status, currency, subtotal_cents, total_cents, amount_due_cents, amount_paid_cents,
        period_start, period_end, issued_at, due_date, paid_at, billing_reason, attempt_count)
      select s.organization_id, 'manual', 'B' || substr(o.slug, 5) || '-' || k, 'paid', 'usd',
        s.seats * 4900, s.seats * 4900, s.seats * 4900, s.seats * 4900,
        date_trunc('month', now()) - k * interval '1 month', date_trunc('month', now()) - (k - 1) * interval '1 month',
        date_trunc('month', now()) - k * interval '1 month', date_trunc('month', now()) - k * interval '1 month',
        date_trunc('month', now()) - k * interval '1 month', 'subscription_cycle', 1
      from subscriptions s join organizations o on o.id = s.organization_id
      cross join generate_series(12, ${Math.floor(opts.days / 30.44)}::int) k
      where s.plan_id <> 'free' and o.slug like 'org-%'
        and date_trunc('month', now()) - k * interval '1 month' >= date_trunc('month', o.created_at)`,
    sql`insert into invoice_lines (invoice_id, kind, description, quantity, unit_amount_cents, amount_cents, currency, period_start, period_end)
      select i.id, 'subscription', initcap(s.plan_id) || ' plan × ' || s.seats || ' seat' || case when s.seats = 1 then '' else 's' end || ' (monthly)',
        s.seats, 4900, i.total_cents, 'usd', i.period_start, i.period_end
      from invoices i join organizations o on o.id = i.organization_id join subscriptions s on s.organization_id = i.organization_id
      where o.slug like 'org-%'`,
    sql`update invoices i set usage_record_id = r.id, due_date = coalesce(i.due_date, i.period_start),
        paid_at = case when i.status = 'paid' then coalesce(i.paid_at, i.period_start) end
      from usage_records r where r.organization_id = i.organization_id and r.period_start = i.period_start`,
  ];
  for (const [i, s] of statements.entries()) {
    await db.execute(s);
    opts.onProgress?.(`counters, records and invoices: ${i + 1} / ${statements.length}`);
  }
}

/**
 * Makes benchmark organization `org-<g>` look like a real paying customer and answers its slug and
 * owner's email: Pro, monthly, six members (its owner can sign in with `password`), a card on
 * file, a Stripe customer, created well before the history starts. Run before `seedUsageHistory`.
 */
export async function prepareMeasuredOrganization(
  db: Db,
  g: number,
  password: string,
): Promise<{ slug: string; ownerEmail: string }> {
  const slug = `org-${g}`;
  const ownerEmail = `owner${g}@bench.test`;
  const passwordHash = await hashPassword(password);
  const extra = [
    [`admin${g}@bench.test`, "Grace Admin", "admin"],
    [`ops${g}@bench.test`, "Katherine Ops", "member"],
    [`dev${g}@bench.test`, "Edsger Dev", "member"],
    [`data${g}@bench.test`, "Barbara Data", "member"],
  ] as const;
  const statements = [
    sql`update organizations set created_at = now() - interval '500 days', status = 'active', suspended_reason = null,
        stripe_customer_id = ${`cus_B${String(g).padStart(8, "0")}`}, billing_email = ${ownerEmail},
        payment_method = ${JSON.stringify({ id: `pm_bench_${g}`, brand: "visa", last4: "4242", expMonth: 12, expYear: new Date().getUTCFullYear() + 2 })}::jsonb
      where slug = ${slug}`,
    sql`update users set password_hash = ${passwordHash}, name = 'Ada Owner' where email = ${ownerEmail}`,
    ...extra.map(
      ([email, name]) =>
        sql`insert into users (email, name, password_hash) values (${email}, ${name}, ${passwordHash})`,
    ),
    ...extra.map(
      ([email, , role]) => sql`insert into memberships (organization_id, user_id, role)
        select o.id, u.id, ${role}::member_role from organizations o, users u where o.slug = ${slug} and u.email = ${email}`,
    ),
    sql`update subscriptions s set plan_id = 'pro', status = 'active', billing_cycle = 'monthly', seats = 6, past_due_since = null, canceled_at = null,
        cancel_at_period_end = false, custom_price_per_seat_cents = null, limit_overrides = '{}'::jsonb,
        max_users = p.max_users, max_agents = p.max_agents, max_executions_per_month = p.max_executions_per_month,
        max_storage_gb = p.max_storage_gb, max_gateways = p.max_gateways
      from plans p, organizations o where p.id = 'pro' and o.id = s.organization_id and o.slug = ${slug}`,
    sql`update invoices i set subtotal_cents = 6 * 4900, total_cents = 6 * 4900, amount_due_cents = 6 * 4900,
        amount_paid_cents = case when i.status = 'paid' then 6 * 4900 else 0 end
      from organizations o where o.id = i.organization_id and o.slug = ${slug}`,
  ];
  for (const s of statements) await db.execute(s);
  return { slug, ownerEmail };
}
