import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { organizations, subscriptions, type LimitKey } from "@/db/schema";
import { BYTES_PER_GB, type Limits } from "@/lib/plans/limits";

/**
 * SQL twins of lib/plans/state.ts `effectiveLimits` and of the meter's "limit reached", for
 * lists that filter thousands of organizations in the database. Tests compare both with
 * getUsageOverview organization by organization.
 */

export type LimitContext = { free: Limits; graceCutoff: Date; now: Date };

const COLUMN: Record<LimitKey, string> = {
  maxUsers: "max_users",
  maxAgents: "max_agents",
  maxExecutionsPerMonth: "max_executions_per_month",
  maxStorageGb: "max_storage_gb",
  maxGateways: "max_gateways",
};

/** True when Free's limits apply: no subscription, canceled, or past due beyond the grace period. */
function onFree(ctx: LimitContext): SQL {
  return sql`(${subscriptions.id} is null
    or ${subscriptions.status} in ('canceled', 'incomplete_expired')
    or (${subscriptions.status} in ('past_due', 'unpaid') and ${subscriptions.pastDueSince} < ${ctx.graceCutoff.toISOString()}::timestamptz))`;
}

/** The limit in force (null = unlimited): Free's, else the override (null lifts it), else the subscription's. */
function effective(key: LimitKey, ctx: LimitContext, refs: { free: SQL; overrides: SQL; column: SQL }): SQL {
  return sql`(case when ${refs.free} then ${ctx.free[key]}::bigint
    when (${refs.overrides} -> ${key}) is not null then (${refs.overrides} ->> ${key})::bigint
    else ${refs.column}::bigint end)`;
}

/** The effective limit of one key, for a query with `organizations` and left-joined `subscriptions` in scope. */
export function effectiveLimitSql(key: LimitKey, ctx: LimitContext): SQL {
  return effective(key, ctx, { free: onFree(ctx), overrides: sql`${subscriptions.limitOverrides}`, column: sql`${subscriptions[key]}` });
}

/** A limit as the threshold of "reached": a limit of 0 counts only when something is used; null never. */
function threshold(limit: SQL): SQL {
  return sql`(case when ${limit} < 1 then 1 else ${limit} end)`;
}

/** At or over a limit, for one organization in scope (the 25 rows of a page). */
export function atOrOverLimitSql(ctx: LimitContext): SQL {
  const lim = (k: LimitKey) => threshold(effectiveLimitSql(k, ctx));
  const now = ctx.now.toISOString();
  return sql`(
    coalesce((select count(*) from memberships m where m.organization_id = ${organizations.id}) >= ${lim("maxUsers")}, false)
    or exists (
      select 1 from usage_counters uc
      where uc.organization_id = ${organizations.id}
        and uc.period_start <= ${now}::timestamptz and uc.period_end > ${now}::timestamptz
        and (
          (uc.metric = 'executions' and uc.value >= ${lim("maxExecutionsPerMonth")})
          or (uc.metric = 'agents' and uc.current >= ${lim("maxAgents")})
          or (uc.metric = 'gateways' and uc.current >= ${lim("maxGateways")})
          or (uc.metric = 'storage_bytes' and uc.current >= ${lim("maxStorageGb")} * ${BYTES_PER_GB}::bigint)
        )
    )
  )`;
}

/**
 * The ids of every organization at or over a limit, set-based: each organization's thresholds
 * computed once (s → e → lims), then one hash join with this period's counters and one with the
 * member counts of organizations whose member limit is finite. The subquery's own
 * `organizations` and `subscriptions` shadow any outer ones.
 */
export function orgsAtOrOverLimitSql(ctx: LimitContext): SQL {
  const keys = Object.keys(COLUMN) as LimitKey[];
  const refs = (k: LimitKey) => ({ free: sql`s.free`, overrides: sql`s.overrides`, column: sql.raw(`s.${COLUMN[k]}`) });
  const now = ctx.now.toISOString();
  return sql`
    with lims as materialized (
      select org,
        ${threshold(sql`e.users`)} as users, ${threshold(sql`e.agents`)} as agents, ${threshold(sql`e.executions`)} as executions,
        ${threshold(sql`e.gateways`)} as gateways, ${threshold(sql`e.storage_gb`)} * ${BYTES_PER_GB}::bigint as storage
      from (
        select s.org,
          ${effective("maxUsers", ctx, refs("maxUsers"))} as users,
          ${effective("maxAgents", ctx, refs("maxAgents"))} as agents,
          ${effective("maxExecutionsPerMonth", ctx, refs("maxExecutionsPerMonth"))} as executions,
          ${effective("maxGateways", ctx, refs("maxGateways"))} as gateways,
          ${effective("maxStorageGb", ctx, refs("maxStorageGb"))} as storage_gb
        from (
          select ${organizations.id} as org, ${onFree(ctx)} as free, ${subscriptions.limitOverrides} as overrides,
            ${sql.join(keys.map((k) => sql`${subscriptions[k]} as ${sql.raw(COLUMN[k])}`), sql`, `)}
          from ${organizations} left join ${subscriptions} on ${subscriptions.organizationId} = ${organizations.id}
        ) s
      ) e
    )
    select lims.org from lims
      join usage_counters uc on uc.organization_id = lims.org
        and uc.period_start <= ${now}::timestamptz and uc.period_end > ${now}::timestamptz
      where (uc.metric = 'executions' and uc.value >= lims.executions)
        or (uc.metric = 'agents' and uc.current >= lims.agents)
        or (uc.metric = 'gateways' and uc.current >= lims.gateways)
        or (uc.metric = 'storage_bytes' and uc.current >= lims.storage)
    union
    select mc.organization_id from (
        select m.organization_id, count(*) as n from memberships m
        where m.organization_id in (select org from lims where users is not null)
        group by m.organization_id
      ) mc
      join lims on lims.org = mc.organization_id
      where mc.n >= lims.users`;
}
