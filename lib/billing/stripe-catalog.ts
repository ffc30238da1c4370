import "server-only";
import { eq } from "drizzle-orm";
import type { Stripe } from "@/lib/stripe/client";
import { plans, type Plan } from "@/db/schema";
import type { Queryable } from "@/db/types";

/**
 * Every priced plan has a Stripe product and a price per cycle, found by lookup key
 * (`agentbill_<plan>_<cycle>`) or created once. The ids are stored on the plan row.
 */
export function lookupKey(planId: string, cycle: "monthly" | "annual"): string {
  return `agentbill_${planId}_${cycle}`;
}

export async function ensureStripePrices(db: Queryable, stripe: Stripe, planId: string): Promise<Plan> {
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId)).limit(1);
  if (!plan) throw new Error(`unknown plan ${planId}`);
  if (plan.stripePriceMonthlyId && plan.stripePriceAnnualId) return plan;
  if (plan.pricePerSeatMonthlyCents === null || plan.pricePerSeatAnnualCents === null) return plan;

  const keys = { monthly: lookupKey(plan.id, "monthly"), annual: lookupKey(plan.id, "annual") };
  const existing = await stripe.prices.list({ lookup_keys: [keys.monthly, keys.annual], active: true, limit: 10 });
  const found = new Map(existing.data.map((p) => [p.lookup_key, p]));
  let productId =
    plan.stripeProductId ??
    (typeof existing.data[0]?.product === "string" ? existing.data[0].product : existing.data[0]?.product.id) ??
    null;
  if (!productId) {
    const product = await stripe.products.create(
      { name: `AgentBill ${plan.name}`, metadata: { plan_id: plan.id } },
      { idempotencyKey: `product-${plan.id}` },
    );
    productId = product.id;
  }
  const ensure = async (cycle: "monthly" | "annual", unitAmount: number) => {
    const hit = found.get(keys[cycle]);
    if (hit) return hit.id;
    const price = await stripe.prices.create(
      {
        product: productId!,
        currency: plan.currency,
        unit_amount: unitAmount,
        recurring: { interval: cycle === "annual" ? "year" : "month" },
        lookup_key: keys[cycle],
        transfer_lookup_key: true,
        metadata: { plan_id: plan.id, cycle },
      },
      { idempotencyKey: `price-${plan.id}-${cycle}-${unitAmount}` },
    );
    return price.id;
  };
  const monthly = await ensure("monthly", plan.pricePerSeatMonthlyCents);
  const annual = await ensure("annual", plan.pricePerSeatAnnualCents);
  const [updated] = await db
    .update(plans)
    .set({ stripeProductId: productId, stripePriceMonthlyId: monthly, stripePriceAnnualId: annual })
    .where(eq(plans.id, plan.id))
    .returning();
  return updated!;
}

export function priceIdFor(plan: Plan, cycle: "monthly" | "annual"): string | null {
  return cycle === "annual" ? plan.stripePriceAnnualId : plan.stripePriceMonthlyId;
}
