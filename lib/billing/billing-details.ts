import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { billingDetails, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { getBillingDetails, type BillingDetails } from "@/lib/invoices/billing-details";
import {
  billingDetailsSchema,
  countryName,
  taxIdRule,
  type BillingDetailsInput,
} from "@/lib/invoices/billing-details-rules";
import { Stripe } from "@/lib/stripe/client";
import { stripeCall, isStripeError } from "@/lib/stripe/errors";
import { ensureCustomer } from "./customers";
import { lockOrganizationBilling } from "./lock";

/**
 * Saving an organization's billing details (who its invoices are made out to): here and on the
 * Stripe customer (name, email, address, one tax ID), so Stripe's own invoices and receipts
 * agree. Stripe is written first: if it refuses (a tax ID it doesn't accept, an outage) nothing
 * is saved here either.
 */

function taxIdKey(organizationId: string, type: string, value: string, version: number): string {
  const h = createHash("sha256").update(`${type}:${value}`).digest("hex").slice(0, 16);
  return `billing-tax-id-${organizationId}-${h}-${version}`;
}

function refusedTaxId(err: unknown, input: BillingDetailsInput): never {
  if (isStripeError(err, "StripeInvalidRequestError") && err.param?.startsWith("value")) {
    const rule = taxIdRule(input.country);
    const message = `Stripe didn't accept ${input.taxIdValue} as a ${input.country ? countryName(input.country) : ""} ${rule?.label ?? "tax ID"}. Check it against your registration.`;
    throw new AppError("bad_request", message, { fieldErrors: { taxId: message } });
  }
  throw err;
}

/** The form's fields, checked (country-aware) and normalised: what saveBillingDetails takes. */
export function parseBillingDetails(fields: unknown): BillingDetailsInput {
  return billingDetailsSchema.parse(fields);
}

/**
 * Save an organization's billing details (parsed with billingDetailsSchema): validated (country-aware),
 * written to the Stripe customer (created if the organization has none yet) and here, with an
 * audit row. Serialised per organization; saving the same details again changes nothing.
 */
export async function saveBillingDetails(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor; details: BillingDetailsInput },
): Promise<{ details: BillingDetails; unchanged: boolean }> {
  const d = input.details;
  const orgId = input.organizationId;
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, orgId);
    const [row] = await tx
      .select({ email: organizations.billingEmail, orgName: organizations.name, details: billingDetails })
      .from(organizations)
      .leftJoin(billingDetails, eq(billingDetails.organizationId, organizations.id))
      .where(eq(organizations.id, orgId))
      .for("update", { of: organizations })
      .limit(1);
    if (!row) throw new AppError("not_found", "No such organization.");
    const before = row.details;
    const same =
      row.email === d.email &&
      (before?.name ?? null) === d.name &&
      (before?.line1 ?? null) === d.line1 &&
      (before?.line2 ?? null) === d.line2 &&
      (before?.city ?? null) === d.city &&
      (before?.state ?? null) === d.state &&
      (before?.postalCode ?? null) === d.postalCode &&
      (before?.country ?? null) === d.country &&
      (before?.taxIdType ?? null) === d.taxIdType &&
      (before?.taxIdValue ?? null) === d.taxIdValue;
    if (same) return { details: await getBillingDetails(tx, orgId), unchanged: true };

    const customer = await ensureCustomer(tx, stripe, orgId);
    const version = before?.updatedAt.getTime() ?? 0;
    const taxChanged = (before?.taxIdType ?? null) !== d.taxIdType || (before?.taxIdValue ?? null) !== d.taxIdValue;
    let stripeTaxId = taxChanged ? null : (before?.stripeTaxId ?? null);
    // 1. The new tax ID first: if Stripe refuses it, nothing has changed anywhere.
    if (taxChanged && d.taxIdType && d.taxIdValue) {
      const created = await stripeCall(() =>
        stripe.customers
          .createTaxId(
            customer,
            { type: d.taxIdType as Stripe.TaxIdCreateParams.Type, value: d.taxIdValue! },
            { idempotencyKey: taxIdKey(orgId, d.taxIdType!, d.taxIdValue!, version) },
          )
          .catch((err: unknown) => refusedTaxId(err, d)),
      );
      stripeTaxId = created.id;
    }
    try {
      // 2. Name, email and address on the customer.
      await stripeCall(() =>
        stripe.customers.update(customer, {
          name: d.name ?? row.orgName,
          email: d.email,
          address: d.country
            ? {
                line1: d.line1 ?? "",
                line2: d.line2 ?? "",
                city: d.city ?? "",
                state: d.state ?? "",
                postal_code: d.postalCode ?? "",
                country: d.country,
              }
            : "",
        }),
      );
    } catch (err) {
      // Undo step 1, so a retry starts from the same place.
      if (stripeTaxId && taxChanged) await stripe.customers.deleteTaxId(customer, stripeTaxId).catch(() => undefined);
      throw err;
    }
    // 3. The old tax ID goes once the new details are in place (already gone is fine).
    if (taxChanged && before?.stripeTaxId) {
      await stripe.customers.deleteTaxId(customer, before.stripeTaxId).catch((err: unknown) => {
        if (!isStripeError(err, "StripeInvalidRequestError")) throw err;
      });
    }
    const now = new Date();
    const values = {
      name: d.name,
      line1: d.line1,
      line2: d.line2,
      city: d.city,
      state: d.state,
      postalCode: d.postalCode,
      country: d.country,
      taxIdType: d.taxIdType,
      taxIdValue: d.taxIdValue,
      stripeTaxId,
      updatedByUserId: input.actor.kind === "user" ? input.actor.id : null,
      updatedAt: now,
    };
    await tx
      .insert(billingDetails)
      .values({ organizationId: orgId, ...values })
      .onConflictDoUpdate({ target: billingDetails.organizationId, set: values });
    await tx.update(organizations).set({ billingEmail: d.email, updatedAt: now }).where(eq(organizations.id, orgId));
    await recordAudit(tx, {
      actor: input.actor,
      action: "billing_details.updated",
      targetType: "organization",
      targetId: orgId,
      organizationId: orgId,
      details: {
        before: before
          ? { email: row.email, name: before.name, country: before.country, taxId: before.taxIdValue }
          : { email: row.email },
        after: { email: d.email, name: d.name, country: d.country, taxId: d.taxIdValue },
      },
    });
    return { details: await getBillingDetails(tx, orgId), unchanged: false };
  });
}
