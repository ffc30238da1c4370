import "server-only";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionState } from "@/components/admin/action-form";
import { getDb } from "@/db/client";
import type { Db } from "@/db/types";
import { reasonSchema } from "@/lib/admin/reason";
import { recordAudit, userActor, type UserActor } from "@/lib/audit";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { changePlan, enterpriseTermsSchema, resyncOrganization, setEnterpriseTerms, type ResyncReport } from "@/lib/billing";
import { runAction } from "@/lib/http/action";
import { createManualInvoice, manualInvoiceSchema } from "@/lib/invoices";
import { multiplyMinor, sumMinor } from "@/lib/money";
import type { Stripe } from "@/lib/stripe/client";

/**
 * The billing actions of the organization page, shared by the console's server actions and the
 * JSON routes under /api/admin/orgs/[id]: each parses its input (with a required reason), calls
 * one billing service (so Stripe follows), and makes sure the reason lands in the audit log.
 */

export type BillingCtx = { db: Db; stripe: Stripe };

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

/** Change plan: changePlan takes no reason, so the reason goes into its own audit row after it. */
export async function adminChangePlan(ctx: BillingCtx, organizationId: string, raw: AdminChangePlanInput | Record<string, unknown>, actor: UserActor) {
  const input = adminChangePlanSchema.parse(raw);
  const result = await changePlan(ctx, { organizationId, planId: input.planId, cycle: input.cycle, actor });
  await recordAudit(ctx.db, {
    actor,
    action: "admin.plan_change_requested",
    targetType: "organization",
    targetId: organizationId,
    organizationId,
    details: { planId: input.planId, cycle: input.cycle, subscriptionId: result.subscriptionId, unchanged: result.unchanged, reason: input.reason },
  });
  return result;
}

/** Enterprise terms: the service writes its own audit row with the reason. */
export async function adminSetEnterpriseTerms(ctx: BillingCtx, organizationId: string, raw: AdminEnterpriseTermsInput | Record<string, unknown>, actor: UserActor) {
  const input = adminEnterpriseTermsSchema.parse(raw);
  return setEnterpriseTerms(ctx, { organizationId, actor, reason: input.reason, cycle: input.cycle, pricePerSeatCents: input.pricePerSeatCents, limits: input.limits });
}

/** Resync from Stripe: the service audits its report; the reason gets its own row. */
export async function adminResync(ctx: BillingCtx, organizationId: string, raw: z.input<typeof adminResyncSchema> | Record<string, unknown>, actor: UserActor): Promise<ResyncReport> {
  const { reason } = adminResyncSchema.parse(raw);
  const report = await resyncOrganization(ctx.db, ctx.stripe, { organizationId, actor });
  await recordAudit(ctx.db, { actor, action: "admin.resync_requested", targetType: "organization", targetId: organizationId, organizationId, details: { report, reason } });
  return report;
}

export function describeResync(report: ResyncReport): string {
  return `Resynced from Stripe. Subscription: ${report.subscription}. Invoices: ${report.invoices}. Card: ${report.card ?? "none"}.`;
}

/** Manual invoice: the service audits the invoice; the reason gets its own row. */
export async function adminCreateManualInvoice(db: Db, organizationId: string, raw: AdminManualInvoiceInput | Record<string, unknown>, actor: UserActor) {
  const { reason, ...input } = adminManualInvoiceSchema.parse(raw);
  const invoice = await createManualInvoice(db, { organizationId, actor, ...input });
  const totalCents = sumMinor(input.lines.map((l) => multiplyMinor(l.unitAmountCents, l.quantity)));
  await recordAudit(db, {
    actor,
    action: "admin.manual_invoice_requested",
    targetType: "invoice",
    targetId: invoice.id,
    organizationId,
    details: { number: invoice.number, reason },
  });
  return { ...invoice, totalCents, currency: input.currency };
}

/**
 * Like app/admin/action-state's adminAction, but the success message is computed from the
 * service's answer (a resync report, an invoice number, a replay outcome).
 */
export async function adminActionReporting(body: (db: Db, actor: UserActor) => Promise<string>, revalidate: string[]): Promise<ActionState> {
  const user = await requirePlatformAdmin();
  const result = await runAction(async () => body(await getDb(), userActor(user)));
  if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
  for (const path of revalidate) revalidatePath(path);
  return { ok: true, message: result.data };
}
