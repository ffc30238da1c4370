"use server";

import { z } from "zod";
import {
  extendTrial,
  extendTrialSchema,
  reactivateOrganization,
  reactivateSchema,
  removeLimitOverride,
  removeLimitOverrideSchema,
  revokeKeySchema,
  revokeOrganizationApiKey,
  setLimitOverride,
  setLimitOverrideSchema,
  suspendOrganization,
  suspendSchema,
  adminChangePlan,
  adminChangePlanSchema,
  adminPreviewPlanChange,
  adminPreviewPlanSchema,
  adminCreateManualInvoice,
  adminEnterpriseTermsSchema,
  adminManualInvoiceSchema,
  adminResync,
  adminResyncSchema,
  adminSetEnterpriseTerms,
  describeResync,
  MAX_MANUAL_LINES,
  type AdminEnterpriseTermsInput,
  type AdminManualInvoiceInput,
} from "@/lib/admin";
import { coerceForm } from "@/lib/input";
import { AppError } from "@/lib/errors";
import { adminAction } from "@/lib/http/action";
import { formatMoney, parseMajorAmount } from "@/lib/money";
import { LIMIT_KEYS } from "@/lib/plans";

/**
 * Server actions of the organization page (the page binds the organization's id). Each parses
 * its form with the service's own schema (so a person sees field messages), then calls one
 * service that audits the change.
 */

const orgPages = (orgId: string) => [`/admin/orgs/${orgId}`, "/admin/orgs", "/admin", "/admin/audit"];

/** The form's fields, as strings. */
type Form = Record<string, string | string[] | undefined>;
const text = (f: Form, name: string): string | undefined => {
  const v = f[name];
  return typeof v === "string" ? v : undefined;
};

/** A limit field: "Unlimited" ticked → null, else the number typed (blank → "enter a number"). */
const limitValue = (f: Form, name: string): string | null | undefined => (f[`${name}Unlimited`] ? null : text(f, name));

/** The form layer: the limit form's fields as the service's input (text → number by lib/input/form). */
const limitOverrideForm = z.preprocess(
  (f: Form) => coerceForm(setLimitOverrideSchema, { key: f.key, value: limitValue(f, "value"), reason: f.reason }),
  setLimitOverrideSchema,
);

export const overrideLimitAction = adminAction(
  { schema: limitOverrideForm, message: "Limit override saved.", revalidate: orgPages },
  async (input, { db, actor }, orgId: string) => {
    await setLimitOverride(db, orgId, input, actor);
  },
);

export const removeOverrideAction = adminAction(
  {
    schema: removeLimitOverrideSchema,
    message: "Override removed: the plan’s limit applies again.",
    revalidate: orgPages,
  },
  async (input, { db, actor }, orgId: string) => {
    await removeLimitOverride(db, orgId, input, actor);
  },
);

/** A dollar amount typed in a form → minor units, or a sentence saying how to type it. */
function majorAmount(value: string | undefined, currency: string, what: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const cents = parseMajorAmount(value, currency);
  if (cents === null)
    throw new AppError("bad_request", `Enter ${what} like 420.00 (${currency.toUpperCase()}, at most two decimals).`);
  return cents;
}

/** The Enterprise terms form as it came: amounts are read in the organization's currency below. */
const enterpriseTermsForm = z.preprocess(
  (f: Form) => ({
    cycle: text(f, "cycle"),
    price: text(f, "price"),
    // A blank limit keeps the Enterprise plan's default; "Unlimited" ticked → null.
    limits: Object.fromEntries(
      LIMIT_KEYS.flatMap((k) => {
        const v = limitValue(f, k);
        return v === undefined || (typeof v === "string" && v.trim() === "") ? [] : [[k, v]];
      }),
    ),
    reason: text(f, "reason"),
  }),
  z.object({
    cycle: z.string().optional(),
    price: z.string().optional(),
    limits: z.record(z.string(), z.string().nullable()),
    reason: z.string().optional(),
  }),
);

export const enterpriseTermsAction = adminAction(
  { schema: enterpriseTermsForm, message: "Enterprise terms saved; Stripe follows.", revalidate: orgPages },
  async (form, { db, stripe, actor }, orgId: string, currency: string) =>
    adminSetEnterpriseTerms(
      db,
      stripe,
      orgId,
      // The form layer: typed limits become numbers (blank ones were left out above).
      coerceForm(adminEnterpriseTermsSchema, {
        ...form,
        pricePerSeatCents: majorAmount(form.price, currency, "the price per seat"),
      }) as AdminEnterpriseTermsInput,
      actor,
    ),
);

function planChangedMessage(
  result: { unchanged: boolean; subscriptionId: string | null },
  input: { planId: string; cycle: string },
): string {
  if (result.unchanged) return "Already on that plan and cycle: nothing changed.";
  return input.planId === "free"
    ? "Downgrade to Free scheduled for the end of the period."
    : `Plan changed to Pro (${input.cycle}); Stripe subscription ${result.subscriptionId}.`;
}

export const changePlanAction = adminAction(
  { schema: adminChangePlanSchema, message: planChangedMessage, revalidate: orgPages },
  async (input, { db, stripe, actor }, orgId: string) => adminChangePlan(db, stripe, orgId, input, actor),
);

/** What the change-plan form shows before it is confirmed (Stripe's proration; nothing is written). */
export const previewPlanAction = adminAction(
  { schema: adminPreviewPlanSchema },
  async (input, { db, stripe }, orgId: string) => adminPreviewPlanChange(db, stripe, orgId, input),
);

export const resyncAction = adminAction(
  { schema: adminResyncSchema, message: describeResync, revalidate: orgPages },
  async (input, { db, stripe, actor }, orgId: string) => adminResync(db, stripe, orgId, input, actor),
);

/** The manual invoice form: up to MAX_MANUAL_LINES rows of description, quantity and amount. */
const manualInvoiceForm = z.preprocess(
  (f: Form) => ({
    lines: Array.from({ length: MAX_MANUAL_LINES }, (_, i) => ({
      description: text(f, `line${i}Description`)?.trim() ?? "",
      quantity: text(f, `line${i}Quantity`)?.trim() ?? "",
      amount: text(f, `line${i}Amount`)?.trim() ?? "",
    })).filter((l) => l.description || l.amount), // an unused row
    dueInDays: text(f, "dueInDays"),
    memo: text(f, "memo")?.trim(),
    reason: text(f, "reason"),
  }),
  z.object({
    lines: z.array(z.object({ description: z.string(), quantity: z.string(), amount: z.string() })),
    dueInDays: z.string().optional(),
    memo: z.string().optional(),
    reason: z.string().optional(),
  }),
);

function invoiceMessage(invoice: { number: string; totalCents: number; currency: string }): string {
  return `Invoice ${invoice.number} created (${formatMoney(invoice.totalCents, invoice.currency)}).`;
}

export const manualInvoiceAction = adminAction(
  { schema: manualInvoiceForm, message: invoiceMessage, revalidate: orgPages },
  async (form, { db, actor }, orgId: string, currency: string) =>
    adminCreateManualInvoice(
      db,
      orgId,
      // The form layer: due days and quantities typed as text become numbers.
      coerceForm(adminManualInvoiceSchema, {
        currency: currency.toLowerCase(),
        dueInDays: form.dueInDays === undefined || form.dueInDays.trim() === "" ? undefined : form.dueInDays,
        memo: form.memo ? form.memo : undefined,
        lines: form.lines.map((l, i) => ({
          description: l.description,
          quantity: l.quantity || "1",
          // A blank amount on a described line is a line of 0.
          unitAmountCents: majorAmount(l.amount, currency, `line ${i + 1}'s unit amount`) ?? 0,
        })),
        reason: form.reason,
      }) as AdminManualInvoiceInput,
      actor,
    ),
);

export const extendTrialAction = adminAction(
  { schema: extendTrialSchema, message: "Trial extended.", revalidate: orgPages },
  async (input, { db, actor }, orgId: string) => {
    await extendTrial(db, orgId, input, actor);
  },
);

export const suspendAction = adminAction(
  { schema: suspendSchema, message: "Organization suspended: its API keys now answer 403.", revalidate: orgPages },
  async (input, { db, actor }, orgId: string) => {
    await suspendOrganization(db, orgId, input, actor);
  },
);

export const reactivateAction = adminAction(
  { schema: reactivateSchema, message: "Organization reactivated.", revalidate: orgPages },
  async (input, { db, actor }, orgId: string) => {
    await reactivateOrganization(db, orgId, input, actor);
  },
);

export const revokeKeyAction = adminAction(
  { schema: revokeKeySchema, message: "API key revoked.", revalidate: orgPages },
  async (input, { db, actor }, orgId: string) => {
    await revokeOrganizationApiKey(db, orgId, input, actor);
  },
);
