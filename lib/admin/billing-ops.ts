import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { organizations } from "@/db/schema";
import type { Db } from "@/db/types";
import { reasonSchema, type UserActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { parseIdOrNotFound } from "@/lib/input";
import {
  changePlan,
  enterpriseTermsSchema,
  previewPlanChange,
  previewStateSchema,
  resyncOrganization,
  setEnterpriseTerms,
  type ChangePreview,
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

export const adminPreviewPlanSchema = z.object({
  planId: z.enum(["free", "pro"], { error: "Choose Free or Pro (Enterprise has its own terms)." }),
  cycle: z.enum(["monthly", "annual"], { error: "Choose monthly or annual billing." }),
});
export const adminChangePlanSchema = adminPreviewPlanSchema.extend({
  reason: reasonSchema,
  /** The state the console's preview priced: refused when the subscription changed since (optional for API callers). */
  previewState: previewStateSchema.optional(),
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

/** The organization must exist: a malformed or unknown id is 404 before anything is parsed or asked of Stripe. */
async function assertOrganization(db: Db, organizationId: string): Promise<void> {
  const id = parseIdOrNotFound(organizationId, "organization");
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).limit(1);
  if (!org) throw new AppError("not_found", "No organization with that id.");
}

/** Change plan (to Free: cancel at the end of the period). Already on that plan and cycle: nothing written. */
export async function adminChangePlan(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: AdminChangePlanInput | Record<string, unknown>,
  actor: UserActor,
) {
  await assertOrganization(db, organizationId);
  const input = adminChangePlanSchema.parse(raw);
  return changePlan(db, stripe, {
    organizationId,
    planId: input.planId,
    cycle: input.cycle,
    actor,
    reason: input.reason,
    previewState: input.previewState,
  });
}

/** What the console shows before a plan change: Stripe's own proration for this organization. */
export type AdminPlanPreview = Pick<
  ChangePreview,
  "planName" | "cycle" | "seats" | "currency" | "dueNowCents" | "recurringCents" | "stateToken"
> & {
  /** Refusals the change would meet (current use over the plan's limits). */
  problems: string[];
  /** A downgrade to Free takes effect then (ISO), not now. */
  effectiveAt: string | null;
};

export async function adminPreviewPlanChange(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: z.input<typeof adminPreviewPlanSchema> | Record<string, unknown>,
): Promise<AdminPlanPreview> {
  await assertOrganization(db, organizationId);
  const input = adminPreviewPlanSchema.parse(raw);
  const p = await previewPlanChange(db, stripe, { organizationId, planId: input.planId, cycle: input.cycle });
  return {
    planName: p.planName,
    cycle: p.cycle,
    seats: p.seats,
    currency: p.currency,
    dueNowCents: p.dueNowCents,
    recurringCents: p.recurringCents,
    problems: p.problems.map((x) => x.message),
    effectiveAt: p.effectiveAt?.toISOString() ?? null,
    stateToken: p.stateToken,
  };
}

/** Enterprise terms. */
export async function adminSetEnterpriseTerms(
  db: Db,
  stripe: Stripe,
  organizationId: string,
  raw: AdminEnterpriseTermsInput | Record<string, unknown>,
  actor: UserActor,
) {
  await assertOrganization(db, organizationId);
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
  await assertOrganization(db, organizationId);
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
  await assertOrganization(db, organizationId);
  const input = adminManualInvoiceSchema.parse(raw);
  const invoice = await createManualInvoice(db, { organizationId, actor, ...input });
  const totalCents = sumMinor(input.lines.map((l) => multiplyMinor(l.unitAmountCents, l.quantity)));
  return { ...invoice, totalCents, currency: input.currency };
}
