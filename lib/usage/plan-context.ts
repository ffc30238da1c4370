import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { plans, subscriptions, type Plan } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { FREE_PLAN_ID, BYTES_PER_GB, type Metric } from "@/lib/plans";
import { resolvePlanState, type PlanState } from "@/lib/plans/server";
import { periodSourceOf, type PeriodSource } from "./periods";

/** An overage price: `unitCents` per `unitSize` units of the metric (e.g. 40 cents per 1,000 executions). */
export type OveragePrice = { unitCents: number; unitSize: number };

export type PlanContext = PlanState & {
  periodSource: PeriodSource;
  /** The plan whose prices apply now (Free when canceled or degraded by dunning). */
  billedPlan: Plan;
  overage: Record<Metric, OveragePrice | null>;
};

/** Pure: overage prices of a plan, per metric, in the metric's own unit. */
export function overagePricesOf(
  plan: Pick<
    Plan,
    "overageCentsPer1kExecutions" | "overageCentsPerAgent" | "overageCentsPerStorageGb" | "overageCentsPerGateway"
  >,
): Record<Metric, OveragePrice | null> {
  const price = (cents: number | null, unitSize: number) => (cents === null ? null : { unitCents: cents, unitSize });
  return {
    users: null,
    executions: price(plan.overageCentsPer1kExecutions, 1_000),
    agents: price(plan.overageCentsPerAgent, 1),
    storage_bytes: price(plan.overageCentsPerStorageGb, BYTES_PER_GB),
    gateways: price(plan.overageCentsPerGateway, 1),
  };
}

/** Pure: the context from a plan state and the Free plan. */
export function planContextFrom(state: PlanState, free: Plan): PlanContext {
  const ended = state.subscription?.status === "canceled" || state.subscription?.status === "incomplete_expired";
  const billedPlan = state.degradedToFree || ended ? free : state.plan;
  return {
    ...state,
    periodSource: periodSourceOf({ subscription: state.subscription, planId: state.plan.id, freePlanId: FREE_PLAN_ID }),
    billedPlan,
    overage: overagePricesOf(billedPlan),
  };
}

/**
 * The organization's plan, subscription, limits, usage period and prices in one indexed read
 * (the Free plan joined with the organization's subscription and its plan).
 */
export async function loadPlanContext(db: Queryable, organizationId: string, now = new Date()): Promise<PlanContext> {
  return (await loadPlanContextWith(db, organizationId, now, "none", () => sql<null>`null`)).ctx;
}

/** Placeholders an extra column may use: `org` (uuid) and `now` (an ISO timestamp). */
export const contextParams = { org: sql.placeholder("org"), now: sql.placeholder("now") };

function buildQuery<T>(db: Queryable, extra: SQL<T>) {
  const current = alias(plans, "current_plan");
  return db
    .select({ free: plans, subscription: subscriptions, plan: current, extra })
    .from(plans)
    .leftJoin(subscriptions, eq(subscriptions.organizationId, contextParams.org))
    .leftJoin(current, eq(current.id, subscriptions.planId))
    .where(eq(plans.id, FREE_PLAN_ID))
    .limit(1);
}

type Prepared<T> = {
  execute(params: {
    org: string;
    now: string;
  }): Promise<Awaited<ReturnType<ReturnType<typeof buildQuery<T>>["execute"]>>>;
};
/** Built once per database handle and kind: the hot paths (limit checks, ingest) skip query building. */
const preparedByHandle = new WeakMap<object, Map<string, Prepared<unknown>>>();

type PlanRow<T> = Awaited<ReturnType<Prepared<T>["execute"]>>[number];

async function readPlanRow<T>(
  db: Queryable,
  organizationId: string,
  now: Date,
  kind: string,
  extra: () => SQL<T>,
): Promise<PlanRow<T>> {
  let byKind = preparedByHandle.get(db);
  if (!byKind) preparedByHandle.set(db, (byKind = new Map()));
  let query = byKind.get(kind) as Prepared<T> | undefined;
  if (!query) {
    query = buildQuery(db, extra()).prepare(`plan_context_${kind}`) as unknown as Prepared<T>;
    byKind.set(kind, query as Prepared<unknown>);
  }
  const [row] = await query.execute({ org: organizationId, now: now.toISOString() });
  if (!row) throw new Error("The plan catalog is missing: run the migrations (`npm run db:migrate`), which write it.");
  return row;
}

function contextOf(row: PlanRow<unknown>, now: Date): PlanContext {
  const subRow = row.subscription && row.plan ? { subscription: row.subscription, plan: row.plan } : null;
  const state = resolvePlanState(subRow, row.free, now, env().dunningGraceDays);
  return planContextFrom(state, row.free);
}

/**
 * The same read plus one more column computed in the same statement (e.g. a scalar subquery
 * built with `contextParams`). `kind` names the extra column's shape, for the statement cache.
 */
export async function loadPlanContextWith<T>(
  db: Queryable,
  organizationId: string,
  now: Date,
  kind: string,
  extra: () => SQL<T>,
): Promise<{ ctx: PlanContext; extra: T }> {
  const row = await readPlanRow(db, organizationId, now, kind, extra);
  return { ctx: contextOf(row, now), extra: row.extra as T };
}

/**
 * The version of the rows a plan context is read from: the organization's subscription and its
 * plan, and the Free plan (their row versions, `xmin`, which every UPDATE changes). A statement
 * that carries the version it was planned with can check, in its own snapshot, that the context
 * it used is still the current one (see cachedPlanContext).
 */
export function planContextVersion(organizationId: SQL): SQL<string> {
  return sql<string>`concat_ws('/',
    (select s.xmin::text || ':' || p.xmin::text from subscriptions s join plans p on p.id = s.plan_id where s.organization_id = ${organizationId}),
    (select f.xmin::text from plans f where f.id = ${FREE_PLAN_ID}))`;
}

type CachedRows = { row: PlanRow<unknown>; version: string };
/** Per database handle and organization; the hot path of ingest reads it instead of the database. */
const rowsByHandle = new WeakMap<object, Map<string, CachedRows>>();
const MAX_CACHED = 10_000;

/**
 * The plan context for ingest's hot path without a read per write: the rows are cached per
 * organization with their version (planContextVersion), and the context is recomputed from them
 * at `now` each time (grace periods and trials that end with time are never stale). The caller
 * sends `version` with its write, whose statement writes nothing when the rows changed since
 * (a plan change, a renewal); the caller then asks again with `reload` and retries. So a cached
 * context is never used for a write after its rows changed — as if it had been read at once.
 */
export async function cachedPlanContext(
  db: Queryable,
  organizationId: string,
  now: Date,
  opts: {
    reload?: boolean;
    /** Read through this (e.g. the caller's open transaction); cached under `db`. */ via?: Queryable;
  } = {},
): Promise<{ ctx: PlanContext; version: string }> {
  let byOrg = rowsByHandle.get(db);
  if (!byOrg) rowsByHandle.set(db, (byOrg = new Map()));
  let cached = opts.reload ? undefined : byOrg.get(organizationId);
  if (!cached) {
    const row = await readPlanRow(opts.via ?? db, organizationId, now, "versioned", () =>
      planContextVersion(sql`${contextParams.org}::uuid`),
    );
    cached = { row, version: String(row.extra) };
    if (byOrg.size >= MAX_CACHED) byOrg.clear();
    byOrg.set(organizationId, cached);
  }
  return { ctx: contextOf(cached.row, now), version: cached.version };
}
