import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { stripeCall } from "@/lib/stripe/errors";

/**
 * The organization's Stripe customer, created once. Concurrent callers send the same
 * idempotency key, so Stripe answers them all with one customer; the row is written only
 * while it has none.
 */
export async function ensureCustomer(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
  opts: { testClock?: string } = {},
): Promise<string> {
  const [org] = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      email: organizations.billingEmail,
      customer: organizations.stripeCustomerId,
    })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .limit(1);
  if (!org) throw new AppError("not_found", "No such organization.");
  if (org.customer) return org.customer;
  const customer = await stripeCall(() =>
    stripe.customers.create(
      {
        name: org.name,
        email: org.email ?? undefined,
        metadata: { organization_id: org.id, organization_slug: org.slug },
        ...(opts.testClock ? { test_clock: opts.testClock } : {}),
      },
      { idempotencyKey: `org-customer-${org.id}` },
    ),
  );
  await db
    .update(organizations)
    .set({ stripeCustomerId: customer.id, updatedAt: new Date() })
    .where(and(eq(organizations.id, org.id), isNull(organizations.stripeCustomerId)));
  const [after] = await db
    .select({ customer: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, org.id));
  return after!.customer!;
}

/** A customer made outside the app (Stripe Checkout) for one of our organizations: linked once, never replaced. */
export async function linkCustomer(db: Queryable, organizationId: string, customerId: string): Promise<void> {
  await db
    .update(organizations)
    .set({ stripeCustomerId: customerId, updatedAt: new Date() })
    .where(and(eq(organizations.id, organizationId), isNull(organizations.stripeCustomerId)));
}
