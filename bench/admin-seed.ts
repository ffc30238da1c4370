import { sql } from "drizzle-orm";
import type { Db } from "../db/types";

/**
 * 10,000 organizations for the admin benchmark, written with set-based SQL (a few seconds):
 * an owner and one or two members each, a subscription on every plan mix, this period's usage
 * counters (some at or over their limits), a year of monthly invoices for paying organizations,
 * Stripe events with a backlog, reconciliation runs and recent usage events.
 */
export async function seedManyOrganizations(db: Db, n: number): Promise<void> {
  const statements = [
    sql`insert into organizations (slug, name, stripe_customer_id, billing_email, created_at, status, suspended_reason)
      select 'org-' || g,
        initcap((array['acme','globex','initech','umbrella','hooli','stark','wayne','wonka','tyrell','cyberdyne','soylent','aperture','oscorp','vandelay','massive','dunder'])[1 + g % 16])
          || ' ' || initcap((array['labs','robotics','systems','works','cloud','analytics','ai','dynamics','logistics','studio'])[1 + (g / 16) % 10]) || ' ' || g,
        case when g % 10 < 7 then 'cus_B' || lpad(g::text, 8, '0') end,
        'billing' || g || '@bench.test',
        now() - ((g * 7919) % 730) * interval '1 day' - (g % 1440) * interval '1 minute',
        case when g % 97 = 0 then 'suspended'::org_status else 'active'::org_status end,
        case when g % 97 = 0 then 'bench: unpaid' end
      from generate_series(1, ${n}::int) g`,
    sql`insert into users (email, name)
      select 'owner' || g || '@bench.test', 'Owner ' || g from generate_series(1, ${n}::int) g
      union all
      select 'member' || g || '@bench.test', 'Member ' || g from generate_series(1, ${n}::int) g`,
    sql`insert into memberships (organization_id, user_id, role)
      select o.id, u.id, 'owner'::member_role from organizations o join users u on u.email = 'owner' || substr(o.slug, 5) || '@bench.test' where o.slug like 'org-%'
      union all
      select o.id, u.id, 'member'::member_role from organizations o join users u on u.email = 'member' || substr(o.slug, 5) || '@bench.test' where o.slug like 'org-%'`,
    // Plans: 60% free, 35% pro, 5% enterprise; a few past due, trialing and canceled.
    sql`insert into subscriptions (organization_id, plan_id, status, billing_cycle, seats, current_period_start, current_period_end,
        past_due_since, canceled_at, max_users, max_agents, max_executions_per_month, max_storage_gb, max_gateways, custom_price_per_seat_cents, limit_overrides)
      select o.id, p.id,
        (case when g % 33 = 0 then 'past_due' when g % 51 = 0 then 'canceled' when g % 41 = 0 then 'trialing' else 'active' end)::subscription_status,
        (case when g % 4 = 0 then 'annual' else 'monthly' end)::billing_cycle,
        case when p.id = 'free' then 1 else 1 + g % 40 end,
        date_trunc('month', now()), date_trunc('month', now()) + interval '1 month',
        case when g % 33 = 0 then now() - interval '3 days' end,
        case when g % 51 = 0 then now() - (g % 20) * interval '1 day' end,
        p.max_users, p.max_agents, p.max_executions_per_month, p.max_storage_gb, p.max_gateways,
        case when p.id = 'enterprise' then 30000 + (g % 10) * 1000 end,
        case when g % 53 = 0 then '{"maxAgents": 500}'::jsonb else '{}'::jsonb end
      from (select id, substr(slug, 5)::int as g from organizations where slug like 'org-%') o
      join plans p on p.id = case when o.g % 20 = 0 then 'enterprise' when o.g % 20 < 8 then 'pro' else 'free' end`,
    // This period's counters; about one organization in eight at or over its execution limit.
    sql`insert into usage_counters (organization_id, metric, period_start, period_end, value, current)
      select s.organization_id, m.metric, s.current_period_start, s.current_period_end,
        case when m.metric = 'executions' then
          case when substr(o.slug, 5)::int % 8 = 0 then coalesce(s.max_executions_per_month, 1000000) + 10 else (substr(o.slug, 5)::int * 37) % greatest(coalesce(s.max_executions_per_month, 1000000), 1) end
          else (substr(o.slug, 5)::int % 9) + 1 end,
        case when m.metric = 'executions' then null
          when m.metric = 'storage_bytes' then ((substr(o.slug, 5)::int % 50) + 1)::bigint * 10000000
          else (substr(o.slug, 5)::int % 9) + 1 end
      from subscriptions s join organizations o on o.id = s.organization_id
      cross join (values ('executions'::usage_metric), ('agents'), ('gateways'), ('storage_bytes')) as m(metric)
      where o.slug like 'org-%'`,
    // Two earlier periods too, as a live database keeps them.
    sql`insert into usage_counters (organization_id, metric, period_start, period_end, value, current)
      select organization_id, metric, period_start - k * interval '1 month', period_start - (k - 1) * interval '1 month', value / 2, current
      from usage_counters cross join generate_series(1, 2) k
      on conflict do nothing`,
    sql`insert into invoices (organization_id, source, number, status, currency, subtotal_cents, total_cents, amount_due_cents, amount_paid_cents,
        period_start, period_end, issued_at, billing_reason)
      select s.organization_id, 'manual', 'B' || substr(o.slug, 5) || '-' || k,
        (case when k = 0 and s.status = 'past_due' then 'open' else 'paid' end)::invoice_status, 'usd',
        s.seats * 4900, s.seats * 4900, s.seats * 4900, case when k = 0 and s.status = 'past_due' then 0 else s.seats * 4900 end,
        date_trunc('month', now()) - k * interval '1 month', date_trunc('month', now()) - (k - 1) * interval '1 month',
        date_trunc('month', now()) - k * interval '1 month', 'subscription_cycle'
      from subscriptions s join organizations o on o.id = s.organization_id
      cross join generate_series(0, 11) k
      where s.plan_id <> 'free' and o.slug like 'org-%'`,
    sql`insert into stripe_events (id, type, stripe_created, object_id, status, attempts, last_error, payload, received_at, processed_at)
      select 'evt_bench_' || g,
        (array['invoice.paid','invoice.payment_failed','customer.subscription.updated','customer.subscription.created','invoice.finalized'])[1 + g % 5],
        extract(epoch from now())::bigint - g * 60, 'in_bench_' || g,
        (case when g % 500 = 0 then 'failed' when g <= 3 then 'pending' else 'processed' end)::stripe_event_status,
        case when g % 500 = 0 then 3 else 1 end, case when g % 500 = 0 then 'bench: handler failed' end,
        jsonb_build_object('id', 'evt_bench_' || g, 'data', jsonb_build_object('object', jsonb_build_object('id', 'in_bench_' || g))),
        now() - g * interval '1 minute', case when g % 500 <> 0 and g > 3 then now() - g * interval '1 minute' end
      from generate_series(1, 20000) g`,
    sql`insert into job_runs (job, status, started_at, finished_at, details)
      select 'usage.reconcile', 'succeeded', now() - g * interval '1 day', now() - g * interval '1 day' + interval '40 seconds',
        jsonb_build_object('organizations', ${n}::int, 'daily', jsonb_build_object('upserted', g, 'deleted', 0), 'counters', jsonb_build_object('repaired', g % 3, 'drift', g))
      from generate_series(0, 30) g`,
    sql`insert into usage_events (organization_id, metric, quantity, occurred_at, idempotency_key, received_at)
      select o.id, 'executions', 1, now() - (g % 900) * interval '1 second', 'bench-' || g, now() - (g % 1800) * interval '1 second'
      from generate_series(1, 50000) g
      join organizations o on o.slug = 'org-' || (1 + g % ${n}::int)`,
    sql`analyze`,
  ];
  for (const s of statements) await db.execute(s);
}
