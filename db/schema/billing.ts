import { sql } from "drizzle-orm";
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
import { invoiceLineKind, invoiceSource, invoiceStatus, stripeEventStatus } from "./enums";
import { organizations } from "./orgs";
import { usageRecords } from "./usage";

export const invoices = pgTable(
  "invoices",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    source: invoiceSource().notNull().default("stripe"),
    /** null for manual (local) invoices. */
    stripeInvoiceId: text(),
    number: text(),
    status: invoiceStatus().notNull(),
    currency: text().notNull(),
    subtotalCents: bigint({ mode: "number" }).notNull().default(0),
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    totalCents: bigint({ mode: "number" }).notNull().default(0),
    amountDueCents: bigint({ mode: "number" }).notNull().default(0),
    amountPaidCents: bigint({ mode: "number" }).notNull().default(0),
    periodStart: timestamp({ withTimezone: true }),
    periodEnd: timestamp({ withTimezone: true }),
    dueDate: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    hostedInvoiceUrl: text(),
    pdfUrl: text(),
    billingReason: text(),
    attemptCount: integer().notNull().default(0),
    nextPaymentAttempt: timestamp({ withTimezone: true }),
    usageRecordId: uuid().references(() => usageRecords.id, { onDelete: "set null" }),
    memo: text(),
    stripeLastEventCreated: bigint({ mode: "number" }),
    /** Stripe's `created`, or when a manual invoice was issued. */
    issuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invoices_stripe_invoice_id_key").on(t.stripeInvoiceId),
    uniqueIndex("invoices_org_number_key").on(t.organizationId, t.number),
    index("invoices_org_issued_idx").on(t.organizationId, t.issuedAt),
    index("invoices_status_idx").on(t.status),
  ],
);

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: uuid().primaryKey().defaultRandom(),
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    stripeLineId: text(),
    kind: invoiceLineKind().notNull().default("subscription"),
    description: text().notNull(),
    quantity: integer().notNull().default(1),
    unitAmountCents: bigint({ mode: "number" }),
    amountCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    periodStart: timestamp({ withTimezone: true }),
    periodEnd: timestamp({ withTimezone: true }),
    proration: boolean().notNull().default(false),
    position: integer().notNull().default(0),
  },
  (t) => [
    index("invoice_lines_invoice_idx").on(t.invoiceId),
    uniqueIndex("invoice_lines_invoice_stripe_line_key").on(t.invoiceId, t.stripeLineId),
  ],
);

/** Every Stripe event received: the webhook's idempotency record and audit trail. */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    /** Stripe's event id (evt_…). */
    id: text().primaryKey(),
    type: text().notNull(),
    /** Stripe's `created`, unix seconds. */
    stripeCreated: bigint({ mode: "number" }).notNull(),
    objectId: text(),
    livemode: boolean().notNull().default(false),
    status: stripeEventStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    /** Why the last attempt failed, as a sentence a person understands. */
    lastError: text(),
    /** The technical detail of that failure (error chain, SQL, Stripe request id), folded away in the admin. */
    lastErrorDetail: text(),
    /** When the worker may (re)try it: null once processed, ignored, or given up after its retries. */
    nextAttemptAt: timestamp({ withTimezone: true }),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("stripe_events_status_idx").on(t.status, t.receivedAt),
    index("stripe_events_type_idx").on(t.type),
    // The worker's queue: events to (re)try, oldest first, and the per-object order check.
    index("stripe_events_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'failed') and ${t.nextAttemptAt} is not null`),
    // The worker's claim walks open events in Stripe's order and stops at the first it may take:
    // without it, every claim sorted the whole backlog (O(backlog) per event).
    index("stripe_events_open_order_idx")
      .on(t.stripeCreated, t.id)
      .where(sql`${t.status} in ('pending', 'failed') and ${t.nextAttemptAt} is not null`),
    index("stripe_events_object_open_idx")
      .on(t.objectId, t.stripeCreated)
      .where(sql`${t.status} in ('pending', 'failed') and ${t.nextAttemptAt} is not null`),
  ],
);

export type Invoice = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;
export type InvoiceLine = typeof invoiceLines.$inferSelect;
export type NewInvoiceLine = typeof invoiceLines.$inferInsert;
export type InvoiceStatus = (typeof invoiceStatus.enumValues)[number];
export type StripeEventRow = typeof stripeEvents.$inferSelect;
