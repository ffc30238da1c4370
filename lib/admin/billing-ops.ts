import "server-only";
import { z } from "zod";
import type { Db } from "@/db/types";
import { reasonSchema } from "@/lib/audit";
import type { UserActor } from "@/lib/audit";
import {
  changePlan,
  enterpriseTermsSchema,
  resyncOrganization,
  setEnterpriseTerms,
  type ResyncReport,
} from "@/lib/billing";
import { createManualInvoice, manualInvoiceSchema } from "@/lib/invoices";
import { multiplyMinor, sumMinor } from "@/lib/money";
import type { Stripe } from "@/lib/stripe/client";

/**
 * The billing actions of the organization page, shared by the console's server actions and the
 * JSON routes under /api/admin/orgs/[id]: each parses its input (with a required reason) and
 * calls one billing service (so Stripe follows), which writes the change and its one audit row
 * (the admin as actor, before, after and the reason) in one transaction.
 */

export const adminChangePlanSchema = z.object({
  planId: z.enum(["free", "pro"], { error: "Choose Free or Pro (Enterprise has its own terms)." }),
  cycle: z.enum(["monthly", "annual"], { error: "Choose monthly or annual billing." }),
  reason: reasonSchema,
});
export type AdminChangePlanInput = z.input<typeof adminChangePlanSchema>;

export const adminEnterpriseTermsSchema = enterpriseTermsSchema.extend({ reason: reasonSchema });
export type AdminEnterpriseTermsInput = z.input<typeof adminEnterpriseTermsSchema>;

export const adminResyncSchema = z.object({ reason: reasonSchema });

export const MAX_MANUAL_LINES = 5;
export const adminManualInvoiceSchema = manualInvoiceSchema.extend({
  lines: manualInvoiceSchema.shape.lines.max(MAX_MANUAL_LINES, `At most ${MAX_MANUAL_LINES} lines from the console.`),
  reason: reasonSchema,
});
export type AdminManualInvoiceInput = z.input<typeof adminManualInvoiceSchema>;

/** Change plan (to Free: cancel at the end of the period). Already on that plan and cycle: nothing written. */
export async function adminChangePlan(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: AdminChangePlanInput | Record<string, unknown>,
  actor: UserActor,
) {
  const input = adminChangePlanSchema.parse(raw);
  return changePlan(db, stripe, {
    organizationId,
    planId: input.planId,
    cycle: input.cycle,
    actor,
    reason: input.reason,
  });
}

/** Enterprise terms. */
export async function adminSetEnterpriseTerms(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: AdminEnterpriseTermsInput | Record<string, unknown>,
  actor: UserActor,
) {
  const input = adminEnterpriseTermsSchema.parse(raw);
  return setEnterpriseTerms(db, stripe, {
    organizationId,
    actor,
    reason: input.reason,
    cycle: input.cycle,
    pricePerSeatCents: input.pricePerSeatCents,
    limits: input.limits,
  });
}

/** Resync from Stripe: one `billing.resynced` row with the report, before, after and the reason. */
export async function adminResync(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: z.input<typeof adminResyncSchema> | Record<string, unknown>,
  actor: UserActor,
): Promise<ResyncReport> {
  const { reason } = adminResyncSchema.parse(raw);
  return resyncOrganization(db, stripe, { organizationId, actor, reason });
}

export function describeResync(report: ResyncReport): string {
  return `Resynced from Stripe. Subscription: ${report.subscription}. Invoices: ${report.invoices}. Card: ${report.card ?? "none"}.`;
}

/** Manual invoice: one `invoice.manual_created` row with the reason. */
export async function adminCreateManualInvoice(
  db: Db,
  organizationId: string,
  raw: AdminManualInvoiceInput | Record<string, unknown>,
  actor: UserActor,
) {
  const input = adminManualInvoiceSchema.parse(raw);
  const invoice = await createManualInvoice(db, { organizationId, actor, ...input });
  const totalCents = sumMinor(input.lines.map((l) => multiplyMinor(l.unitAmountCents, l.quantity)));
  return { ...invoice, totalCents, currency: input.currency };
}
