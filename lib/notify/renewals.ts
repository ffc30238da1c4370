import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/types";

export const RENEWAL_JOB = "notify.renewals";
export const RENEWAL_NOTICE_DAYS = 3;

/**
 * "Your subscription renews in 3 days": for each paid, active subscription that renews within
 * the next 3 days and is not set to cancel, one outbox message per period (a message already
 * queued for that renewal date is not queued again). Trials are told by Stripe's
 * trial_will_end instead.
 */
export async function queueRenewalNotices(db: Queryable, opts: { now: Date }): Promise<{ queued: number }> {
  const until = new Date(opts.now.getTime() + RENEWAL_NOTICE_DAYS * 86_400_000);
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`
      with due as (
        select s.organization_id, s.current_period_end
        from subscriptions s
        where s.plan_id <> 'free' and s.status = 'active' and s.stripe_subscription_id is not null
          and not s.cancel_at_period_end
          and s.current_period_end > ${opts.now.toISOString()}::timestamptz
          and s.current_period_end <= ${until.toISOString()}::timestamptz
          and not exists (
            select 1 from outbox o
            where o.organization_id = s.organization_id and o.kind = 'subscription_renewing'
              and o.payload->>'renewsAt' = to_char(s.current_period_end at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
      ), queued as (
        insert into outbox (organization_id, kind, payload)
        select organization_id, 'subscription_renewing',
          jsonb_build_object('renewsAt', to_char(current_period_end at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
        from due
        returning 1
      )
      select count(*)::int as n from queued`),
  );
  return { queued: Number(rows[0]?.n ?? 0) };
}
