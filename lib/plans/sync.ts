import { sql } from "drizzle-orm";
import { plans, type NewPlan } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { PLAN_CATALOG } from "./catalog";

/**
 * The plan catalog (catalog.ts) written to the `plans` table: run after every migration, in
 * every environment (db/connect.ts `migrate()`), so a deployment that only migrates has its
 * plans. Idempotent: a plan already equal to the catalog is not touched; the fields the catalog
 * defines are brought back to it; what is set at run time (Stripe product and price ids) and
 * plans an admin added stay as they are.
 */

/** The columns the catalog owns (everything of a plan but its Stripe ids and creation time). */
const SYNCED = [
  "name",
  "description",
  "pricePerSeatMonthlyCents",
  "pricePerSeatAnnualCents",
  "currency",
  "perSeat",
  "maxUsers",
  "maxAgents",
  "maxExecutionsPerMonth",
  "maxStorageGb",
  "maxGateways",
  "overageCentsPer1kExecutions",
  "overageCentsPerAgent",
  "overageCentsPerStorageGb",
  "overageCentsPerGateway",
  "isPublic",
  "sortOrder",
] as const satisfies readonly (keyof NewPlan)[];

/** A catalog entry with every synced column explicit (unset optional ones are null / the column default). */
export function catalogRow(p: NewPlan): NewPlan {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? "",
    pricePerSeatMonthlyCents: p.pricePerSeatMonthlyCents ?? null,
    pricePerSeatAnnualCents: p.pricePerSeatAnnualCents ?? null,
    currency: p.currency ?? "usd",
    perSeat: p.perSeat ?? true,
    maxUsers: p.maxUsers ?? null,
    maxAgents: p.maxAgents ?? null,
    maxExecutionsPerMonth: p.maxExecutionsPerMonth ?? null,
    maxStorageGb: p.maxStorageGb ?? null,
    maxGateways: p.maxGateways ?? null,
    overageCentsPer1kExecutions: p.overageCentsPer1kExecutions ?? null,
    overageCentsPerAgent: p.overageCentsPerAgent ?? null,
    overageCentsPerStorageGb: p.overageCentsPerStorageGb ?? null,
    overageCentsPerGateway: p.overageCentsPerGateway ?? null,
    isPublic: p.isPublic ?? true,
    sortOrder: p.sortOrder ?? 0,
  };
}

/** The column's name in SQL (the schema is declared in camelCase, stored in snake_case). */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Upsert every catalog plan; returns the ids of the plans it inserted or changed. */
export async function syncPlanCatalog(db: Queryable): Promise<string[]> {
  const changed: string[] = [];
  for (const p of PLAN_CATALOG) {
    const row = catalogRow(p);
    const set = Object.fromEntries(SYNCED.map((k) => [k, row[k]])) as Partial<NewPlan>;
    // Only a row that differs is updated: a second run writes nothing.
    const differs = sql.join(
      SYNCED.map((k) => sql`${plans[k]} is distinct from ${sql.raw(`excluded."${snakeCase(k)}"`)}`),
      sql` or `,
    );
    const written = await db
      .insert(plans)
      .values(row)
      .onConflictDoUpdate({ target: plans.id, set, setWhere: differs })
      .returning({ id: plans.id });
    if (written.length > 0) changed.push(p.id);
  }
  return changed;
}
