import type { LimitKey, NewPlan } from "@/db/schema";

/**
 * The plan catalog as data. Every migration writes it to the `plans` table (lib/plans/sync.ts),
 * which is the runtime truth (admins may add plans; Stripe price ids are set there).
 *
 * Storage and gateway limits: Free 1 GB and 1 gateway, Pro 100 GB and 10 gateways,
 * Enterprise defaults of 1 TB and 100 gateways (each Enterprise organization's own limits
 * are set on its subscription).
 */
export const PLAN_IDS = ["free", "pro", "enterprise"] as const;
export type PlanId = (typeof PLAN_IDS)[number] | (string & {});

export const FREE_PLAN_ID = "free";

export const PLAN_CATALOG: readonly NewPlan[] = [
  {
    id: "free",
    name: "Free",
    description: "For trying the platform and small side projects.",
    pricePerSeatMonthlyCents: 0,
    pricePerSeatAnnualCents: 0,
    currency: "usd",
    perSeat: false,
    maxUsers: 3,
    maxAgents: 10,
    maxExecutionsPerMonth: 10_000,
    maxStorageGb: 1,
    maxGateways: 1,
    isPublic: true,
    sortOrder: 0,
  },
  {
    id: "pro",
    name: "Pro",
    description: "For teams running agents in production.",
    pricePerSeatMonthlyCents: 4_900,
    // Two months free: $490 per user per year instead of $588.
    pricePerSeatAnnualCents: 49_000,
    currency: "usd",
    perSeat: true,
    maxUsers: null,
    maxAgents: 100,
    maxExecutionsPerMonth: 100_000,
    maxStorageGb: 100,
    maxGateways: 10,
    isPublic: true,
    sortOrder: 1,
  },
  {
    id: "enterprise",
    name: "Enterprise",
    description: "Custom limits, custom pricing, a named contact.",
    pricePerSeatMonthlyCents: null,
    pricePerSeatAnnualCents: null,
    currency: "usd",
    perSeat: true,
    maxUsers: null,
    maxAgents: 1_000,
    maxExecutionsPerMonth: 5_000_000,
    maxStorageGb: 1_000,
    maxGateways: 100,
    overageCentsPer1kExecutions: 40,
    isPublic: true,
    sortOrder: 2,
  },
];

export const LIMIT_KEYS: readonly LimitKey[] = [
  "maxUsers",
  "maxAgents",
  "maxExecutionsPerMonth",
  "maxStorageGb",
  "maxGateways",
];

export function catalogPlan(id: string): NewPlan {
  const plan = PLAN_CATALOG.find((p) => p.id === id);
  if (!plan) throw new Error(`unknown catalog plan ${id}`);
  return plan;
}
