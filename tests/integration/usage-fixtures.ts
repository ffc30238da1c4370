import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { apiKeys, organizations, subscriptions, usageCounters, usageDaily, type LimitOverrides } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import type { Db } from "@/db/types";
import { rowsOf } from "@/db/types";
import { generateApiKey } from "@/lib/auth/api-key-format";
import { catalogPlan } from "@/lib/plans/catalog";

/** Fixtures for the usage tests: organizations on a plan, with an API key. */

export type TestOrg = { id: string; slug: string; key: string; apiKeyId: string };

export async function ensurePlans(db: Db): Promise<void> {
  await syncPlanCatalog(db);
}

export async function createOrg(
  db: Db,
  opts: {
    plan?: "free" | "pro" | "enterprise";
    cycle?: "monthly" | "annual";
    period?: { start: Date; end: Date };
    seats?: number;
    overrides?: LimitOverrides;
    limits?: Partial<{
      maxAgents: number | null;
      maxExecutionsPerMonth: number | null;
      maxGateways: number | null;
      maxStorageGb: number | null;
    }>;
    customPricePerSeatCents?: number;
    status?: "active" | "past_due" | "canceled";
    createdAt?: Date;
  } = {},
): Promise<TestOrg> {
  const slug = `org-${randomUUID().slice(0, 8)}`;
  const [org] = await db
    .insert(organizations)
    .values({ slug, name: `Org ${slug}`, ...(opts.createdAt ? { createdAt: opts.createdAt } : {}) })
    .returning();
  if (opts.plan && opts.plan !== "free") {
    const plan = catalogPlan(opts.plan);
    const period = opts.period ?? { start: new Date(Date.UTC(2026, 10, 8)), end: new Date(Date.UTC(2026, 11, 8)) };
    await db.insert(subscriptions).values({
      organizationId: org!.id,
      planId: opts.plan,
      status: opts.status ?? "active",
      billingCycle: opts.cycle ?? "monthly",
      seats: opts.seats ?? 1,
      currentPeriodStart: period.start,
      currentPeriodEnd: period.end,
      maxUsers: plan.maxUsers ?? null,
      maxAgents: opts.limits && "maxAgents" in opts.limits ? opts.limits.maxAgents! : (plan.maxAgents ?? null),
      maxExecutionsPerMonth:
        opts.limits && "maxExecutionsPerMonth" in opts.limits
          ? opts.limits.maxExecutionsPerMonth!
          : (plan.maxExecutionsPerMonth ?? null),
      maxStorageGb:
        opts.limits && "maxStorageGb" in opts.limits ? opts.limits.maxStorageGb! : (plan.maxStorageGb ?? null),
      maxGateways: opts.limits && "maxGateways" in opts.limits ? opts.limits.maxGateways! : (plan.maxGateways ?? null),
      limitOverrides: opts.overrides ?? {},
      customPricePerSeatCents: opts.customPricePerSeatCents ?? null,
    });
  } else if (opts.overrides) {
    const free = catalogPlan("free");
    await db.insert(subscriptions).values({
      organizationId: org!.id,
      planId: "free",
      currentPeriodStart: new Date(Date.UTC(2026, 10, 1)),
      currentPeriodEnd: new Date(Date.UTC(2026, 11, 1)),
      maxUsers: free.maxUsers ?? null,
      maxAgents: free.maxAgents ?? null,
      maxExecutionsPerMonth: free.maxExecutionsPerMonth ?? null,
      maxStorageGb: free.maxStorageGb ?? null,
      maxGateways: free.maxGateways ?? null,
      limitOverrides: opts.overrides,
    });
  }
  const generated = generateApiKey();
  const [key] = await db
    .insert(apiKeys)
    .values({ organizationId: org!.id, name: "test", prefix: generated.prefix, keyHash: generated.hash })
    .returning({ id: apiKeys.id });
  return { id: org!.id, slug, key: generated.key, apiKeyId: key!.id };
}

export type EventBody = {
  idempotency_key: string;
  metric: string;
  quantity?: number;
  value?: number;
  occurred_at: string;
};

export const exec = (key: string, at: Date, quantity = 1): EventBody => ({
  idempotency_key: key,
  metric: "executions",
  quantity,
  occurred_at: at.toISOString(),
});
export const gauge = (
  key: string,
  metric: "agents" | "gateways" | "storage_bytes",
  at: Date,
  value: number,
): EventBody => ({
  idempotency_key: key,
  metric,
  value,
  occurred_at: at.toISOString(),
});

export async function counterRows(db: Db, organizationId: string) {
  return db.select().from(usageCounters).where(eq(usageCounters.organizationId, organizationId));
}

export async function counter(
  db: Db,
  organizationId: string,
  metric: "executions" | "agents" | "gateways" | "storage_bytes",
  periodStart: Date,
) {
  const [row] = await db
    .select()
    .from(usageCounters)
    .where(
      and(
        eq(usageCounters.organizationId, organizationId),
        eq(usageCounters.metric, metric),
        eq(usageCounters.periodStart, periodStart),
      ),
    );
  return row ?? null;
}

export async function dailyRows(db: Db, organizationId: string) {
  return db.select().from(usageDaily).where(eq(usageDaily.organizationId, organizationId));
}

export async function countRows(
  db: Db,
  table: "usage_events" | "usage_daily" | "usage_counters" | "usage_alerts" | "outbox" | "usage_records",
  organizationId: string,
): Promise<number> {
  const result = await db.execute(
    sql`select count(*)::int as n from ${sql.identifier(table)} where organization_id = ${organizationId}::uuid`,
  );
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

export async function sumExecutions(db: Db, organizationId: string): Promise<number> {
  const result = await db.execute(
    sql`select coalesce(sum(quantity), 0)::bigint as n from usage_events where organization_id = ${organizationId}::uuid and metric = 'executions'`,
  );
  return Number(rowsOf<{ n: number | string }>(result)[0]?.n ?? 0);
}
