import "server-only";
import { and, asc, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { PgSelect } from "drizzle-orm/pg-core";
import {
  memberships,
  organizations,
  plans,
  subscriptions,
  users,
  type Plan,
  type SubscriptionStatus,
} from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { limitsOf } from "@/lib/plans/limits";
import { getPlan } from "@/lib/plans/state";
import { isUuid } from "@/lib/input";
import { latestCountersOf, limitReached } from "./limit-state";
import {
  atOrOverLimitSql,
  memberCountsOn,
  memberCountsSql,
  usageNowOn,
  usageNowSql,
  type LimitContext,
} from "./org-limits-sql";
import type { OrgListQuery } from "./schemas";

/**
 * The organizations list: server-side search, filters, sort and offset pagination.
 *
 * Search is a case-insensitive substring of the name or slug, or of an owner's email, an exact
 * id, or a Stripe customer id prefix. It works the same on PostgreSQL and PGlite (no pg_trgm):
 * at 10,000 organizations a scan of the organizations and owners is a few milliseconds (see
 * README, Performance); the page itself reads only its own rows' owners, members and limits.
 */

export type OrgListRow = {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended";
  createdAt: Date;
  stripeCustomerId: string | null;
  planId: string;
  planName: string;
  subscriptionStatus: SubscriptionStatus | null;
  billingCycle: "monthly" | "annual" | null;
  seats: number | null;
  ownerEmail: string | null;
  members: number;
  atOrOverLimit: boolean;
};

export type OrgListResult = { rows: OrgListRow[]; total: number; page: number; perPage: number; pages: number };

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Organizations one of whose owners has an email matching the LIKE pattern. */
function ownerEmailLike(pattern: string): SQL {
  return sql`${organizations.id} in (
    select ${memberships.organizationId} from ${memberships}
    inner join ${users} on ${users.id} = ${memberships.userId}
    where ${memberships.role} = 'owner' and ${users.email} like ${pattern})`;
}

/**
 * An email (has "@"): owners whose email starts with it, an index range scan on users.email.
 * A Stripe customer id (cus_…): a prefix of the unique index. Otherwise: part of the name,
 * slug or an owner's email (a scan), or an exact id.
 */
function searchCondition(q: string): SQL {
  const needle = q.trim();
  const lower = needle.toLowerCase();
  if (lower.includes("@")) return ownerEmailLike(`${escapeLike(lower)}%`);
  if (needle.startsWith("cus_")) return sql`${organizations.stripeCustomerId} like ${`${escapeLike(needle)}%`}`;
  if (isUuid(needle)) return eq(organizations.id, lower);
  const contains = `%${escapeLike(lower)}%`;
  return sql`(lower(${organizations.name}) like ${contains} or ${organizations.slug} like ${contains} or ${ownerEmailLike(contains)})`;
}

async function freePlanOrThrow(db: Queryable): Promise<Plan> {
  const free = await getPlan(db, FREE_PLAN_ID);
  if (!free) throw new Error("The plan catalog is missing: run the migrations (`npm run db:migrate`), which write it.");
  return free;
}

function contextOf(free: Plan, now: Date): LimitContext {
  return { free: limitsOf(free), graceCutoff: new Date(now.getTime() - env().dunningGraceDays * 86_400_000), now };
}

export async function limitContext(db: Queryable, now: Date): Promise<LimitContext> {
  return contextOf(await freePlanOrThrow(db), now);
}

/**
 * Two steps, so deep pages stay cheap: the page's ids (only the columns the filters and the
 * sort need; the name sort walks the lower(name) index), and the total, in parallel; then the
 * full rows of just those ids.
 */
export async function listOrganizations(db: Queryable, query: OrgListQuery, now = new Date()): Promise<OrgListResult> {
  const free = await freePlanOrThrow(db);
  const ctx = contextOf(free, now);
  const where: SQL[] = [];
  if (query.q) where.push(searchCondition(query.q));
  if (query.plan) where.push(sql`coalesce(${subscriptions.planId}, ${FREE_PLAN_ID}) = ${query.plan}`);
  if (query.status) where.push(eq(organizations.status, query.status));
  if (query.pastDue) where.push(inArray(subscriptions.status, ["past_due", "unpaid"]));
  // The limit state of every organization in one pass: this period's counters and the member
  // counts are hash-joined beside the subscriptions (see org-limits-sql.ts).
  if (query.overLimit) where.push(atOrOverLimitSql(ctx));
  const condition = where.length ? and(...where) : undefined;
  const needsSubscription = Boolean(query.plan || query.pastDue || query.overLimit || query.sort === "plan");

  const dir = query.dir ?? (query.sort === "created" ? "desc" : "asc");
  const by = dir === "asc" ? asc : desc;
  const nameKey = sql`lower(${organizations.name})`;
  const order =
    query.sort === "created"
      ? [by(organizations.createdAt), by(organizations.id)]
      : query.sort === "plan"
        ? [by(sql`coalesce(${plans.sortOrder}, 0)`), asc(nameKey), asc(organizations.id)]
        : [by(nameKey), by(organizations.id)];

  const offset = (query.page - 1) * query.perPage;
  const joined = <Q extends PgSelect>(q: Q): Q => {
    let out = q;
    if (needsSubscription)
      out = out.leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id)) as unknown as Q;
    if (query.sort === "plan") out = out.leftJoin(plans, eq(plans.id, subscriptions.planId)) as unknown as Q;
    if (query.overLimit)
      out = out.leftJoin(usageNowSql(ctx), usageNowOn).leftJoin(memberCountsSql(), memberCountsOn) as unknown as Q;
    return out;
  };
  const countMatches = async () => {
    const [row] = await joined(db.select({ n: count() }).from(organizations).$dynamic()).where(condition);
    return Number(row?.n ?? 0);
  };

  let ids: string[];
  let total: number;
  if (query.overLimit) {
    // An expensive filter: one pass evaluates it and counts the matches (a window over the result).
    const rows = await joined(
      db
        .select({ id: organizations.id, total: sql<number>`count(*) over ()`.mapWith(Number) })
        .from(organizations)
        .$dynamic(),
    )
      .where(condition)
      .orderBy(...order)
      .limit(query.perPage)
      .offset(offset);
    ids = rows.map((r) => r.id);
    total = rows[0]?.total ?? (offset > 0 ? await countMatches() : 0);
  } else {
    const [rows, n] = await Promise.all([
      joined(db.select({ id: organizations.id }).from(organizations).$dynamic())
        .where(condition)
        .orderBy(...order)
        .limit(query.perPage)
        .offset(offset),
      countMatches(),
    ]);
    ids = rows.map((r) => r.id);
    total = n;
  }
  const byId = await pageRows(db, ids, free, now);
  return {
    rows: ids.map((id) => byId.get(id)).filter((r): r is OrgListRow => Boolean(r)),
    total,
    page: query.page,
    perPage: query.perPage,
    pages: Math.max(1, Math.ceil(total / query.perPage)),
  };
}

/** The full rows of the organizations on the page: plan, owner, member count and limit state. */
async function pageRows(db: Queryable, ids: string[], free: Plan, now: Date): Promise<Map<string, OrgListRow>> {
  const out = new Map<string, OrgListRow>();
  if (ids.length === 0) return out;
  const [rows, counters] = await Promise.all([
    db
      .select({
        id: organizations.id,
        slug: organizations.slug,
        name: organizations.name,
        status: organizations.status,
        createdAt: organizations.createdAt,
        stripeCustomerId: organizations.stripeCustomerId,
        subscription: subscriptions,
        plan: plans,
        ownerEmail: sql<
          string | null
        >`(select ${users.email} from ${memberships} inner join ${users} on ${users.id} = ${memberships.userId}
          where ${memberships.organizationId} = ${organizations.id} and ${memberships.role} = 'owner'
          order by ${memberships.createdAt} limit 1)`,
        members:
          sql<number>`(select count(*) from ${memberships} where ${memberships.organizationId} = ${organizations.id})`.mapWith(
            Number,
          ),
      })
      .from(organizations)
      .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
      .leftJoin(plans, eq(plans.id, subscriptions.planId))
      .where(inArray(organizations.id, ids)),
    latestCountersOf(db, ids, now),
  ]);
  for (const r of rows) {
    const { subscription, plan, ...org } = r;
    out.set(r.id, {
      ...org,
      planId: plan?.id ?? FREE_PLAN_ID,
      planName: plan?.name ?? "Free",
      subscriptionStatus: subscription?.status ?? null,
      billingCycle: subscription?.billingCycle ?? null,
      seats: subscription?.seats ?? null,
      atOrOverLimit: limitReached(r, counters, free, now),
    });
  }
  return out;
}
