import "server-only";
import { asc, eq, or } from "drizzle-orm";
import { organizations, plans, type PaymentMethodSummary, type Plan } from "@/db/schema";
import type { Queryable } from "@/db/types";

/** Reads for the plan page: the plans an organization may choose from and its card on file. */

/** Public plans in catalog order, plus the organization's current plan when it is not public. */
export async function listPlanOptions(db: Queryable, currentPlanId: string): Promise<Plan[]> {
  return db
    .select()
    .from(plans)
    .where(or(eq(plans.isPublic, true), eq(plans.id, currentPlanId)))
    .orderBy(asc(plans.sortOrder), asc(plans.id));
}

/** The default card as last confirmed by Stripe (brand, last 4, expiry), or null. */
export async function getPaymentMethod(db: Queryable, organizationId: string): Promise<PaymentMethodSummary | null> {
  const [row] = await db
    .select({ card: organizations.paymentMethod })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .limit(1);
  return row?.card ?? null;
}
