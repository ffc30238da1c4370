import "server-only";
import { eq, or, sql } from "drizzle-orm";
import { organizations, plans, subscriptions, type Plan, type Subscription } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { isUuid } from "@/lib/input";
import { Stripe } from "@/lib/stripe/client";
import { isStripeError } from "@/lib/stripe/errors";
import { sharedWithin } from "./shared";
import { statement } from "./statements";

/**
 * What the subscription writer (subscription-sync.ts) looks up before it writes: whose a Stripe
 * object is, which plan a price stands for, the stored row; and Stripe's "no such object".
 * Within a worker batch (shared.ts) organizations and plans found are remembered.
 */
export function idOf(x: string | { id: string } | null | undefined): string | null {
  if (!x) return null;
  return typeof x === "string" ? x : x.id;
}

const organizationByCustomer = statement<{ id: string }>("billing_organization_by_customer", (db) =>
  db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.stripeCustomerId, sql.placeholder("customer")))
    .limit(1),
);
const organizationByIdOrCustomer = statement<{ id: string }>("billing_organization_by_id_or_customer", (db) =>
  db
    .select({ id: organizations.id })
    .from(organizations)
    .where(
      or(eq(organizations.id, sql.placeholder("id")), eq(organizations.stripeCustomerId, sql.placeholder("customer"))),
    )
    .limit(1),
);

/** Which of our organizations does this Stripe subscription (or anything with a customer) belong to? */
export async function findOrganizationId(
  db: Queryable,
  sub: { metadata?: Stripe.Metadata | null; customer: string | { id: string } | null },
): Promise<string | null> {
  const fromMeta = sub.metadata?.organization_id;
  const customerId = idOf(sub.customer);
  const byMeta = fromMeta && isUuid(fromMeta) ? fromMeta : null;
  const shared = sharedWithin(db);
  const key = `${byMeta ?? ""}/${customerId ?? ""}`;
  const known = shared?.organizations.get(key);
  if (known) return known;
  const [row] = byMeta
    ? await organizationByIdOrCustomer(db, { id: byMeta, customer: customerId ?? "" })
    : await organizationByCustomer(db, { customer: customerId ?? "" });
  // Only a found organization is kept: a customer not linked yet may be linked later in the transaction.
  if (row) shared?.organizations.set(key, row.id);
  return row?.id ?? null;
}

/**
 * Which plan and cycle a Stripe price stands for: a catalog price stored on the plan row, or a
 * per-organization price (Enterprise) that names its plan in `metadata.plan_id`.
 */
export type PlanMatch = { plan: Plan; cycle: "monthly" | "annual"; custom: boolean };

export async function planForPrice(db: Queryable, price: Stripe.Price): Promise<PlanMatch | null> {
  const shared = sharedWithin(db);
  if (!shared) return readPlanForPrice(db, price);
  const key = `${price.id}/${price.metadata?.plan_id ?? ""}/${price.recurring?.interval ?? ""}`;
  let match = shared.plans.get(key) as Promise<PlanMatch | null> | undefined;
  if (!match) {
    match = readPlanForPrice(db, price);
    shared.plans.set(key, match);
  }
  return match;
}

const planOfCatalogPrice = statement<Plan>("billing_plan_of_catalog_price", (db) =>
  db
    .select()
    .from(plans)
    .where(
      or(
        eq(plans.stripePriceMonthlyId, sql.placeholder("price")),
        eq(plans.stripePriceAnnualId, sql.placeholder("price")),
      ),
    )
    .limit(1),
);

async function readPlanForPrice(db: Queryable, price: Stripe.Price): Promise<PlanMatch | null> {
  const [catalog] = await planOfCatalogPrice(db, { price: price.id });
  if (catalog)
    return { plan: catalog, cycle: catalog.stripePriceAnnualId === price.id ? "annual" : "monthly", custom: false };
  const planId = price.metadata?.plan_id;
  if (!planId) return null;
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId)).limit(1);
  if (!plan) return null;
  return { plan, cycle: price.recurring?.interval === "year" ? "annual" : "monthly", custom: true };
}

export const subscriptionOf = statement<Subscription>("billing_subscription_of", (db) =>
  db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.organizationId, sql.placeholder("organizationId")))
    .limit(1),
);

/** Stripe no longer knows the object (resource_missing): the caller's copy stands in. */
export async function fresh<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (isStripeError(err, "StripeInvalidRequestError") && err.code === "resource_missing") return null;
    throw err;
  }
}
