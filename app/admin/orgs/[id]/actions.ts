"use server";

import type { ActionState } from "@/components/admin/action-form";
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
} from "@/lib/admin";
import { AppError } from "@/lib/errors";
import { LIMIT_KEYS } from "@/lib/plans/catalog";
import { formatMoney, parseMajorAmount } from "@/lib/money";
import { getStripe } from "@/lib/stripe/client";
import { adminAction, field } from "../../action-state";
import {
  adminActionReporting,
  adminChangePlan,
  adminCreateManualInvoice,
  adminResync,
  adminSetEnterpriseTerms,
  describeResync,
  MAX_MANUAL_LINES,
} from "./billing-ops";

/**
 * Server actions of the organization page. Each parses its FormData with the service's own
 * schema (so a person sees field messages), then calls one service that audits the change.
 */

const paths = (orgId: string) => [`/admin/orgs/${orgId}`, "/admin/orgs", "/admin", "/admin/audit"];

/** A limit field: "Unlimited" ticked → null, else the number typed (blank → "enter a number"). */
function limitValue(fd: FormData, name: string): string | null | undefined {
  return fd.get(`${name}Unlimited`) ? null : field(fd, name);
}

export async function overrideLimitAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = setLimitOverrideSchema.parse({
        key: field(fd, "key"),
        value: limitValue(fd, "value"),
        reason: field(fd, "reason"),
      });
      await setLimitOverride(db, orgId, input, actor);
    },
    "Limit override saved.",
    paths(orgId),
  );
}

export async function removeOverrideAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const input = removeLimitOverrideSchema.parse({ key: field(fd, "key"), reason: field(fd, "reason") });
      await removeLimitOverride(db, orgId, input, actor);
    },
    "Override removed: the plan’s limit applies again.",
    paths(orgId),
  );
}

/** A dollar amount typed in a form → minor units, or a sentence saying how to type it. */
function majorAmount(text: string | undefined, currency: string, what: string): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const cents = parseMajorAmount(text, currency);
  if (cents === null)
    throw new AppError("bad_request", `Enter ${what} like 420.00 (${currency.toUpperCase()}, at most two decimals).`);
  return cents;
}

export async function enterpriseTermsAction(
  orgId: string,
  currency: string,
  _prev: ActionState,
  fd: FormData,
): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      // A blank limit keeps the Enterprise plan's default; "Unlimited" ticked → null.
      const limits = Object.fromEntries(
        LIMIT_KEYS.flatMap((k) => {
          const v = limitValue(fd, k);
          return v === undefined || (typeof v === "string" && v.trim() === "") ? [] : [[k, v]];
        }),
      );
      await adminSetEnterpriseTerms(
        { db, stripe: getStripe() },
        orgId,
        {
          cycle: field(fd, "cycle"),
          pricePerSeatCents: majorAmount(field(fd, "price"), currency, "the price per seat"),
          limits,
          reason: field(fd, "reason"),
        },
        actor,
      );
    },
    "Enterprise terms saved; Stripe follows.",
    paths(orgId),
  );
}

export async function changePlanAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminActionReporting(async (db, actor) => {
    const input = { planId: field(fd, "planId"), cycle: field(fd, "cycle"), reason: field(fd, "reason") };
    const result = await adminChangePlan({ db, stripe: getStripe() }, orgId, input, actor);
    if (result.unchanged) return "Already on that plan and cycle: nothing changed.";
    return input.planId === "free"
      ? "Downgrade to Free scheduled for the end of the period."
      : `Plan changed to Pro (${input.cycle}); Stripe subscription ${result.subscriptionId}.`;
  }, paths(orgId));
}

export async function resyncAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminActionReporting(async (db, actor) => {
    return describeResync(
      await adminResync({ db, stripe: getStripe() }, orgId, { reason: field(fd, "reason") }, actor),
    );
  }, paths(orgId));
}

export async function manualInvoiceAction(
  orgId: string,
  currency: string,
  _prev: ActionState,
  fd: FormData,
): Promise<ActionState> {
  return adminActionReporting(async (db, actor) => {
    const lines = [];
    for (let i = 0; i < MAX_MANUAL_LINES; i++) {
      const description = field(fd, `line${i}Description`)?.trim() ?? "";
      const quantity = field(fd, `line${i}Quantity`)?.trim() ?? "";
      const amount = field(fd, `line${i}Amount`)?.trim() ?? "";
      if (!description && !amount) continue; // an unused row
      lines.push({
        description,
        quantity: quantity || "1",
        unitAmountCents: majorAmount(amount, currency, `line ${i + 1}'s unit amount`) ?? "",
      });
    }
    const due = field(fd, "dueInDays");
    const memo = field(fd, "memo")?.trim();
    const invoice = await adminCreateManualInvoice(
      db,
      orgId,
      {
        currency: currency.toLowerCase(),
        dueInDays: due === undefined || due.trim() === "" ? undefined : due,
        memo: memo ? memo : undefined,
        lines,
        reason: field(fd, "reason"),
      },
      actor,
    );
    return `Invoice ${invoice.number} created (${formatMoney(invoice.totalCents, invoice.currency)}).`;
  }, paths(orgId));
}

export async function extendTrialAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      await extendTrial(
        db,
        orgId,
        extendTrialSchema.parse({ days: field(fd, "days"), reason: field(fd, "reason") }),
        actor,
      );
    },
    "Trial extended.",
    paths(orgId),
  );
}

export async function suspendAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      await suspendOrganization(db, orgId, suspendSchema.parse({ reason: field(fd, "reason") }), actor);
    },
    "Organization suspended: its API keys now answer 403.",
    paths(orgId),
  );
}

export async function reactivateAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      await reactivateOrganization(db, orgId, reactivateSchema.parse({ reason: field(fd, "reason") }), actor);
    },
    "Organization reactivated.",
    paths(orgId),
  );
}

export async function revokeKeyAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      await revokeOrganizationApiKey(
        db,
        orgId,
        revokeKeySchema.parse({ apiKeyId: field(fd, "apiKeyId"), reason: field(fd, "reason") }),
        actor,
      );
    },
    "API key revoked.",
    paths(orgId),
  );
}
