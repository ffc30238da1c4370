import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { reservationStatus, usageMetric } from "./enums";
import { organizations } from "./orgs";

const orgRef = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: "cascade" });

/** The raw, append-only truth of what an organization used. */
export const usageEvents = pgTable(
  "usage_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: orgRef(),
    metric: usageMetric().notNull(),
    /** Counter metrics: the amount added. Gauge metrics: the value observed. */
    quantity: bigint({ mode: "number" }).notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    idempotencyKey: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("usage_events_org_idempotency_key").on(t.organizationId, t.idempotencyKey),
    index("usage_events_org_metric_occurred_idx").on(t.organizationId, t.metric, t.occurredAt),
    index("usage_events_received_idx").on(t.receivedAt),
  ],
);

/**
 * Derived per day (UTC): counters hold the day's sum; gauges the day's maximum in `value`
 * and the latest observation in `lastValue` / `lastAt`.
 */
export const usageDaily = pgTable(
  "usage_daily",
  {
    organizationId: orgRef(),
    metric: usageMetric().notNull(),
    day: date({ mode: "string" }).notNull(),
    value: bigint({ mode: "number" }).notNull().default(0),
    lastValue: bigint({ mode: "number" }),
    lastAt: timestamp({ withTimezone: true }),
    eventCount: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.metric, t.day] })],
);

/**
 * Derived per billing period: counters hold the period's sum; gauges the period's maximum
 * in `value` and the current value in `current` (latest by occurred_at).
 */
export const usageCounters = pgTable(
  "usage_counters",
  {
    organizationId: orgRef(),
    metric: usageMetric().notNull(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    value: bigint({ mode: "number" }).notNull().default(0),
    current: bigint({ mode: "number" }),
    /**
     * Executions carried in from the period a plan or cycle change ended early (included in
     * `value`; reconciliation adds it to the events' sum).
     */
    carried: bigint({ mode: "number" }).notNull().default(0),
    currentAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.metric, t.periodStart] }),
    // This period's rows of every organization (period_end > now) without reading past periods:
    // the admin list's "at or over a limit" filter and the overview's usage leaders. Ingest and
    // reconciliation never change period_end, so this index leaves their updates HOT-eligible.
    index("usage_counters_period_end_idx").on(t.periodEnd),
  ],
);

/** Snapshot of a billing period (the original spec's usage record), written at period close. */
export const usageRecords = pgTable(
  "usage_records",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: orgRef(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    planId: text().notNull(),
    seats: integer().notNull(),
    users: integer().notNull(),
    agents: integer().notNull(),
    executions: bigint({ mode: "number" }).notNull(),
    storageBytes: bigint({ mode: "number" }).notNull(),
    gateways: integer().notNull(),
    /** The limits in force for the period, for the breakdown shown on invoices. */
    limits: jsonb().$type<Record<string, number | null>>().notNull().default({}),
    baseCents: bigint({ mode: "number" }).notNull(),
    overageCents: bigint({ mode: "number" }).notNull(),
    costCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    overageLines: jsonb()
      .$type<{ metric: string; quantity: number; unitCents: number; amountCents: number }[]>()
      .notNull()
      .default([]),
    /** When the period was closed (final); null for an on-demand snapshot of a period still open. */
    closedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("usage_records_org_period_key").on(t.organizationId, t.periodStart)],
);

/** An organization crossed 80% or 100% of a limit: recorded once per period, metric and threshold. */
export const usageAlerts = pgTable(
  "usage_alerts",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: orgRef(),
    metric: text().notNull(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    thresholdPercent: integer().notNull(),
    used: bigint({ mode: "number" }).notNull(),
    limit: bigint({ mode: "number" }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("usage_alerts_once_key").on(t.organizationId, t.metric, t.periodStart, t.thresholdPercent)],
);

/** Messages for a mailer to send; nothing here sends mail itself. */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
    /** Delivery by lib/mail's worker: pending → sent, or dead after the last retry (or nothing to send: skipped). */
    status: text().$type<OutboxStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    /** Who it went to and with what subject (for the admin log), set when sent. */
    recipients: text().array(),
    subject: text(),
  },
  (t) => [index("outbox_unsent_idx").on(t.createdAt), index("outbox_due_idx").on(t.status, t.nextAttemptAt)],
);

/** An outbox message: pending → sent, or dead after the last retry (skipped: nothing to send). */
export type OutboxStatus = "pending" | "sent" | "dead" | "skipped";
export type UsageEvent = typeof usageEvents.$inferSelect;
export type UsageMetric = (typeof usageMetric.enumValues)[number];
export type UsageDaily = typeof usageDaily.$inferSelect;
export type UsageCounter = typeof usageCounters.$inferSelect;
export type UsageRecord = typeof usageRecords.$inferSelect;
export type UsageAlert = typeof usageAlerts.$inferSelect;

/**
 * Usage held for an agent run before it starts (POST /api/v1/reservations): counted against the
 * limit while active and unexpired, turned into one usage event when committed (key
 * `reservation:<id>`), given back when released or expired. Granted in one locked round trip by
 * the SQL function `reserve_usage` (migration 0008), so concurrent grants never exceed a hard limit.
 */
export const usageReservations = pgTable(
  "usage_reservations",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: orgRef(),
    metric: usageMetric().notNull(),
    amount: bigint({ mode: "number" }).notNull(),
    idempotencyKey: text().notNull(),
    status: reservationStatus().notNull(),
    allowed: boolean().notNull(),
    /** Units of this reservation beyond the limit, billed as overage (overage-priced limits only). */
    overage: bigint({ mode: "number" }).notNull().default(0),
    /** The limit in force and what was used and held when it was decided (null limit: unlimited). */
    limitValue: bigint({ mode: "number" }),
    usedBefore: bigint({ mode: "number" }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    committedQuantity: bigint({ mode: "number" }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("usage_reservations_org_idempotency_key").on(t.organizationId, t.idempotencyKey),
    // What is held now: summed by every grant and limit check.
    index("usage_reservations_active_idx")
      .on(t.organizationId, t.metric, t.expiresAt)
      .where(sql`status = 'active'`),
  ],
);
export type UsageReservation = typeof usageReservations.$inferSelect;
