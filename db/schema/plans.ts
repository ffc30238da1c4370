import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { billingCycle, subscriptionStatus } from "./enums";
import { organizations } from "./orgs";

/** The five limits. null = unlimited. */
export type LimitKey = "maxUsers" | "maxAgents" | "maxExecutionsPerMonth" | "maxStorageGb" | "maxGateways";
/** Per-organization overrides: a key that is present wins; its value null means unlimited. */
export type LimitOverrides = Partial<Record<LimitKey, number | null>>;

export const plans = pgTable(
  "plans",
  {
    /** Stable key: free, pro, enterprise, or one an admin adds. */
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(""),
    /** Price per seat per cycle in minor units; null = custom (priced per organization). */
    pricePerSeatMonthlyCents: integer(),
    pricePerSeatAnnualCents: integer(),
    currency: text().notNull().default("usd"),
    /** True when the price is per member (seat); false for a flat price. */
    perSeat: boolean().notNull().default(true),
    stripeProductId: text(),
    stripePriceMonthlyId: text(),
    stripePriceAnnualId: text(),
    maxUsers: integer(),
    maxAgents: integer(),
    maxExecutionsPerMonth: bigint({ mode: "number" }),
    maxStorageGb: integer(),
    maxGateways: integer(),
    /** Overage unit prices in minor units; null = the limit is hard. */
    overageCentsPer1kExecutions: integer(),
    overageCentsPerAgent: integer(),
    overageCentsPerStorageGb: integer(),
    overageCentsPerGateway: integer(),
    isPublic: boolean().notNull().default(true),
    sortOrder: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("plans_stripe_price_monthly_id_key").on(t.stripePriceMonthlyId),
    uniqueIndex("plans_stripe_price_annual_id_key").on(t.stripePriceAnnualId),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    planId: text()
      .notNull()
      .references(() => plans.id),
    status: subscriptionStatus().notNull().default("active"),
    billingCycle: billingCycle().notNull().default("monthly"),
    seats: integer().notNull().default(1),
    currentPeriodStart: timestamp({ withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp({ withTimezone: true }).notNull(),
    stripeSubscriptionId: text(),
    stripeCustomerId: text(),
    stripePriceId: text(),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    canceledAt: timestamp({ withTimezone: true }),
    /** Why the customer cancelled (optional, Stripe's `cancellation_details.comment`), kept after the move to Free. */
    cancellationReason: text(),
    trialEnd: timestamp({ withTimezone: true }),
    /** When the subscription went past due (dunning); null when in good standing. */
    pastDueSince: timestamp({ withTimezone: true }),
    /** Limits of the plan in force (copied from the plan, or set for Enterprise). null = unlimited. */
    maxUsers: integer(),
    maxAgents: integer(),
    maxExecutionsPerMonth: bigint({ mode: "number" }),
    maxStorageGb: integer(),
    maxGateways: integer(),
    /** Admin overrides on top of the plan's limits. */
    limitOverrides: jsonb().$type<LimitOverrides>().notNull().default({}),
    /** Enterprise: custom price per seat per cycle in minor units. */
    customPricePerSeatCents: integer(),
    /**
     * When the current period source (the calendar, or this subscription's anchor and cycle) took
     * over: its usage periods start no earlier. A change in the middle of a usage period ends that
     * period here and starts the next one at the change, with the executions used carried in.
     */
    usagePeriodsFrom: timestamp({ withTimezone: true }),
    /** Stripe `created` (unix seconds) of the newest event applied to this row: older events never roll it back. */
    stripeLastEventCreated: bigint({ mode: "number" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("subscriptions_org_key").on(t.organizationId),
    uniqueIndex("subscriptions_stripe_subscription_id_key").on(t.stripeSubscriptionId),
    index("subscriptions_plan_status_idx").on(t.planId, t.status),
  ],
);

export type Plan = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;
export type Subscription = typeof subscriptions.$inferSelect;
export type NewSubscription = typeof subscriptions.$inferInsert;
export type SubscriptionStatus = (typeof subscriptionStatus.enumValues)[number];
export type BillingCycle = (typeof billingCycle.enumValues)[number];
