import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { memberRole } from "./enums";
import { organizations, users } from "./orgs";

/**
 * Invitations to an organization: the link's token is stored only as its SHA-256. Single use
 * (accepted_at), expiring, revocable; the membership (and its billed seat) is made at acceptance.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Stored lower-cased. */
    email: text().notNull(),
    role: memberRole().notNull().default("member"),
    tokenHash: text().notNull(),
    invitedByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastSentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    // One open invitation per organization and address.
    uniqueIndex("invitations_open_key")
      .on(t.organizationId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
  ],
);

/**
 * Single-use links sent to a user: password reset, email verification, email change. Only the
 * SHA-256 is stored. An email change also holds the address it moves to (`new_email`, lower-cased);
 * the account's address changes only when that link is confirmed.
 */
export type UserTokenPurpose = "password_reset" | "email_verification" | "email_change";

export const userTokens = pgTable(
  "user_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text().$type<UserTokenPurpose>().notNull(),
    tokenHash: text().notNull(),
    /** Email change only: the address the account moves to once the link is confirmed. */
    newEmail: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("user_tokens_token_hash_key").on(t.tokenHash), index("user_tokens_user_idx").on(t.userId)],
);

/** The development mailbox (/dev/mail): what would have been sent when no SMTP_URL is set. */
export const devMailbox = pgTable("dev_mailbox", {
  id: uuid().primaryKey().defaultRandom(),
  to: text().array().notNull(),
  subject: text().notNull(),
  text: text().notNull(),
  html: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Endpoints of the agent platform that receive signed events (lib/outbound-webhooks). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid().primaryKey().defaultRandom(),
  url: text().notNull(),
  description: text().notNull().default(""),
  /** Event types, or ["*"] for every one. */
  events: text().array().notNull(),
  /** The signing secret, encrypted with a key derived from AUTH_SECRET (AES-256-GCM). */
  secretCiphertext: text().notNull(),
  /** Its first characters, shown so admins can tell secrets apart. */
  secretPrefix: text().notNull(),
  /** After a roll: the secret before it, also signed with until `previousSecretExpiresAt` (the grace period). */
  previousSecretCiphertext: text(),
  previousSecretPrefix: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true }),
  secretRolledAt: timestamp({ withTimezone: true }),
  /** The idempotency key of the last roll: the same request again answers the same secret. */
  rollKey: text(),
  disabledAt: timestamp({ withTimezone: true }),
  /** Deleted: never sent to again, its secrets erased; the row and its delivery log stay readable. */
  deletedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Events for the platform, written in the transaction of the change; fanned out to endpoints by the worker. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    /** `evt_…`: the same on every delivery and retry, so receivers can dedupe. */
    id: text().primaryKey(),
    type: text().notNull(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "set null" }),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    fannedOutAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("webhook_events_unfanned_idx")
      .on(t.createdAt)
      .where(sql`${t.fannedOutAt} is null`),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    eventId: text()
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** canceled: the endpoint was disabled or deleted before it succeeded (`canceledReason` says which). */
    status: text().$type<WebhookDeliveryStatus>().notNull().default("pending"),
    canceledReason: text(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer(),
    lastError: text(),
    lastAttemptAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint_key").on(t.eventId, t.endpointId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
  ],
);

/** One row per HTTP attempt: the delivery log admins read. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull(),
    statusCode: integer(),
    error: text(),
    durationMs: integer().notNull(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.at)],
);

export type Invitation = typeof invitations.$inferSelect;
export type WebhookDeliveryStatus = "pending" | "succeeded" | "dead" | "canceled";
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
