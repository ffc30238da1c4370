import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./orgs";

/**
 * Who an organization's invoices are addressed to: legal name, postal address and tax ID, as
 * an owner or admin entered them (the billing email is `organizations.billing_email`). Mirrored
 * on the Stripe customer (`name`, `address`, a tax ID) so Stripe's own documents agree.
 */
export const billingDetails = pgTable("billing_details", {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  /** The legal name invoices are made out to (the organization's name when null). */
  name: text(),
  line1: text(),
  line2: text(),
  city: text(),
  /** State, province or region. */
  state: text(),
  postalCode: text(),
  /** ISO 3166-1 alpha-2, upper case. */
  country: text(),
  /** Stripe's tax ID type (eu_vat, gb_vat, us_ein, …) and the ID as entered, normalised. */
  taxIdType: text(),
  taxIdValue: text(),
  /** The tax ID object at Stripe (txi_…), replaced when the ID changes. */
  stripeTaxId: text(),
  updatedByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type BillingDetailsRow = typeof billingDetails.$inferSelect;
