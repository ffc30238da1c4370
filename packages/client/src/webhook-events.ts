/**
 * The events AgentBill sends to the platform's webhook endpoints: `{ id, object, type, created, data }`.
 * `id` (`evt_…`) is the same on every retry of one event: dedupe on it. `created` is in unix seconds.
 * Every `data` carries the organization it is about (`organizationId`; null only for test events).
 */

type OfOrganization = { organizationId: string };

export type UsageThresholdData = OfOrganization & {
  metric: "users" | "agents" | "executions" | "storage_bytes" | "gateways";
  /** Percent of the limit: 80, 100, … */
  threshold: number;
  used: number;
  limit: number;
  /** ISO 8601: the usage period the alert is about. */
  periodStart: string;
};

export type SubscriptionData = OfOrganization & {
  /** Stripe's subscription id (sub_…). */
  subscription: string;
  plan: string;
  status: string;
  cycle?: "monthly" | "annual";
  seats?: number;
  cancelAtPeriodEnd?: boolean;
  /** ISO 8601 */
  currentPeriodEnd?: string;
};

export type WebhookEventDataMap = {
  "usage.threshold_crossed": UsageThresholdData;
  /** Sent with `usage.threshold_crossed` when the threshold is 100% or more. */
  "limit.reached": UsageThresholdData;
  "subscription.created": SubscriptionData;
  "subscription.updated": SubscriptionData;
  "subscription.canceled": SubscriptionData;
  "invoice.paid": OfOrganization & {
    /** Stripe's invoice id (in_…). */
    invoice: string;
    number: string | null;
    /** Integer minor units of `currency`. */
    amountPaid: number;
    currency: string;
    /** AgentBill's invoice id. */
    invoiceId: string;
  };
  "invoice.payment_failed": OfOrganization & {
    invoice: string;
    /** Integer minor units of `currency`. */
    amountDue: number;
    currency: string;
    attempt: number;
    /** Unix seconds of Stripe's next attempt, or null when none is scheduled. */
    nextPaymentAttempt: number | null;
  };
  "organization.suspended": OfOrganization & { reason: string };
  "organization.reactivated": OfOrganization;
  /** The admin's "Send test event" button. */
  "endpoint.test": { message: string; endpointId: string };
};

export type WebhookEventType = keyof WebhookEventDataMap;

/** One event, its `data` typed by its `type`: narrow with `switch (event.type)`. */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: { id: string; object: "event"; type: K; created: number; data: WebhookEventDataMap[K] };
}[T];

export const WEBHOOK_EVENT_TYPES = [
  "usage.threshold_crossed",
  "limit.reached",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "invoice.paid",
  "invoice.payment_failed",
  "organization.suspended",
  "organization.reactivated",
  "endpoint.test",
] as const satisfies readonly WebhookEventType[];
