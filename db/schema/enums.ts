import { pgEnum } from "drizzle-orm/pg-core";

export const orgStatus = pgEnum("org_status", ["active", "suspended"]);
export const memberRole = pgEnum("member_role", ["owner", "admin", "member"]);
export const subscriptionStatus = pgEnum("subscription_status", [
  "trialing",
  "active",
  "past_due",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "unpaid",
  "paused",
]);
export const billingCycle = pgEnum("billing_cycle", ["monthly", "annual"]);
/** Ingested metrics. `users` is not ingested: it is the count of memberships. */
export const usageMetric = pgEnum("usage_metric", ["executions", "agents", "gateways", "storage_bytes"]);
/** A reservation of usage: held (active) until committed, released or expired; denied ones are kept for replays. */
export const reservationStatus = pgEnum("reservation_status", ["active", "committed", "released", "expired", "denied"]);
export const invoiceStatus = pgEnum("invoice_status", ["draft", "open", "paid", "void", "uncollectible"]);
export const invoiceSource = pgEnum("invoice_source", ["stripe", "manual"]);
export const invoiceLineKind = pgEnum("invoice_line_kind", ["subscription", "proration", "overage", "manual", "other"]);
export const stripeEventStatus = pgEnum("stripe_event_status", ["pending", "processed", "failed", "ignored"]);
export const jobStatus = pgEnum("job_status", ["running", "succeeded", "failed"]);
