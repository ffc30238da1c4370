"use server";

import type { ActionState } from "@/components/admin/action-form";
import {
  enterpriseTermsSchema,
  extendTrial,
  extendTrialSchema,
  reactivateOrganization,
  reactivateSchema,
  removeLimitOverride,
  removeLimitOverrideSchema,
  revokeKeySchema,
  revokeOrganizationApiKey,
  setEnterpriseTerms,
  setLimitOverride,
  setLimitOverrideSchema,
  suspendOrganization,
  suspendSchema,
} from "@/lib/admin";
import { AppError } from "@/lib/errors";
import { LIMIT_KEYS } from "@/lib/plans/catalog";
import { parseMajorAmount } from "@/lib/money";
import { adminAction, field } from "../../action-state";

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
      const input = setLimitOverrideSchema.parse({ key: field(fd, "key"), value: limitValue(fd, "value"), reason: field(fd, "reason") });
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

export async function enterpriseTermsAction(orgId: string, currency: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      const price = field(fd, "price");
      const cents = price === undefined || price.trim() === "" ? undefined : parseMajorAmount(price, currency);
      if (cents === null) throw new AppError("bad_request", `Enter the price per seat like 420.00 (${currency.toUpperCase()}, at most two decimals).`);
      const input = enterpriseTermsSchema.parse({
        ...Object.fromEntries(LIMIT_KEYS.map((k) => [k, limitValue(fd, k)])),
        customPricePerSeatCents: cents,
        reason: field(fd, "reason"),
      });
      await setEnterpriseTerms(db, orgId, input, actor);
    },
    "Enterprise terms saved.",
    paths(orgId),
  );
}

export async function extendTrialAction(orgId: string, _prev: ActionState, fd: FormData): Promise<ActionState> {
  return adminAction(
    async (db, actor) => {
      await extendTrial(db, orgId, extendTrialSchema.parse({ days: field(fd, "days"), reason: field(fd, "reason") }), actor);
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
      await revokeOrganizationApiKey(db, orgId, revokeKeySchema.parse({ apiKeyId: field(fd, "apiKeyId"), reason: field(fd, "reason") }), actor);
    },
    "API key revoked.",
    paths(orgId),
  );
}
