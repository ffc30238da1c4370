import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { memberRole, orgStatus } from "./enums";

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable(
  "organizations",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    name: text().notNull(),
    status: orgStatus().notNull().default("active"),
    suspendedReason: text(),
    stripeCustomerId: text(),
    /** ISO 4217, lower case as Stripe writes it. */
    currency: text().notNull().default("usd"),
    billingEmail: text(),
    /** Summary of the default card, mirrored from Stripe for display (never card numbers). */
    paymentMethod: jsonb().$type<PaymentMethodSummary | null>(),
    createdAt: createdAt(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organizations_slug_key").on(t.slug),
    uniqueIndex("organizations_stripe_customer_id_key").on(t.stripeCustomerId),
    index("organizations_name_idx").on(sql`lower(${t.name})`),
    index("organizations_created_at_idx").on(t.createdAt),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored lower-cased. */
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text(),
    isPlatformAdmin: boolean().notNull().default(false),
    /**
     * Sessions carry the version they were issued under; raising it ends every session of the
     * user at once (sign out everywhere, password change or reset). See lib/auth/sessions.ts.
     */
    sessionVersion: integer().notNull().default(0),
    /**
     * When the address was shown to be theirs. Existing and invited people count as verified
     * (the default); sign-up writes null until the verification link is opened.
     */
    emailVerifiedAt: timestamp({ withTimezone: true }).defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

export const memberships = pgTable(
  "memberships",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole().notNull().default("member"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("memberships_org_user_key").on(t.organizationId, t.userId),
    index("memberships_user_idx").on(t.userId),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    /** The first characters of the key, shown to people so they can tell keys apart. */
    prefix: text().notNull(),
    /** SHA-256 of the whole key, hex. The key itself is never stored. */
    keyHash: text().notNull(),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_key_hash_key").on(t.keyHash), index("api_keys_org_idx").on(t.organizationId)],
);

export type PaymentMethodSummary = { id: string; brand: string; last4: string; expMonth: number; expYear: number };

/** "Contact us" requests for Enterprise, for platform admins to follow up. */
export const enterpriseRequests = pgTable(
  "enterprise_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    requestedByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    contactEmail: text().notNull(),
    expectedSeats: integer(),
    message: text().notNull(),
    status: text().notNull().default("open"),
    createdAt: createdAt(),
  },
  (t) => [
    index("enterprise_requests_org_idx").on(t.organizationId),
    index("enterprise_requests_status_idx").on(t.status, t.createdAt),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Membership = typeof memberships.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
export type ApiKey = typeof apiKeys.$inferSelect;
