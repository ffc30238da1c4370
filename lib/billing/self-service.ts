import "server-only";
import { and, eq, notInArray } from "drizzle-orm";
import { organizations, plans, subscriptions, type Plan } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";

/**
 * Which plan changes a customer makes by themselves. A plan priced per organization (Enterprise)
 * is a contract: its price, seats and limits are set by our team, so moving off it, switching
 * its cycle or cancelling it goes through a contact request. Platform admins change it from the
 * admin console (lib/admin), which does not ask this.
 */

/** A plan without a list price is priced per organization: a contract. */
export function isContractPlan(plan: Pick<Plan, "pricePerSeatMonthlyCents" | "pricePerSeatAnnualCents">): boolean {
  return plan.pricePerSeatMonthlyCents === null || plan.pricePerSeatAnnualCents === null;
}

/** The sentence a customer reads when they try to change a contract by themselves. */
export function contractChangeMessage(organizationName: string, planName: string): string {
  return `${organizationName}’s ${planName} plan is a contract: our team changes it. Send a request under “Change your contract” on the plan page (seats, limits, another plan or cancelling), and we reply within one business day.`;
}

/** Throws (403) when the organization's live subscription is a contract; otherwise nothing. */
export async function assertSelfServicePlanChange(db: Queryable, organizationId: string): Promise<void> {
  const [row] = await db
    .select({
      organizationName: organizations.name,
      planName: plans.name,
      pricePerSeatMonthlyCents: plans.pricePerSeatMonthlyCents,
      pricePerSeatAnnualCents: plans.pricePerSeatAnnualCents,
    })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .innerJoin(organizations, eq(organizations.id, subscriptions.organizationId))
    .where(
      and(
        eq(subscriptions.organizationId, organizationId),
        notInArray(subscriptions.status, ["canceled", "incomplete_expired"]),
      ),
    );
  if (row && isContractPlan(row))
    throw new AppError("forbidden", contractChangeMessage(row.organizationName, row.planName));
}
