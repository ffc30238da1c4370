import "server-only";
import { count, eq, sql } from "drizzle-orm";
import { organizations, plans, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";

export type PlanCount = { planId: string; planName: string; organizations: number; active: number; suspended: number };

/** Organizations per plan (and per status), every plan listed even when empty. */
export async function countOrganizationsByPlan(db: Queryable): Promise<PlanCount[]> {
  const rows = await db
    .select({
      planId: plans.id,
      planName: plans.name,
      organizations: count(organizations.id),
      suspended: sql<number>`count(*) filter (where ${organizations.status} = 'suspended')`.mapWith(Number),
    })
    .from(plans)
    .leftJoin(subscriptions, eq(subscriptions.planId, plans.id))
    .leftJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .groupBy(plans.id, plans.name, plans.sortOrder)
    .orderBy(plans.sortOrder);
  return rows.map((r) => ({
    ...r,
    organizations: Number(r.organizations),
    active: Number(r.organizations) - r.suspended,
  }));
}
