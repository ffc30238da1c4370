import "server-only";
import type { Queryable } from "@/db/types";
import type { Actor } from "@/lib/audit";
import * as billing from "@/lib/billing";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http/errors";
import { isUuid } from "@/lib/input";
import {
  extendTrialSchema,
  removeLimitOverrideSchema,
  setLimitOverrideSchema,
  type SetLimitOverrideInput,
} from "./schemas";

/**
 * Admin changes to an organization's terms: parsed here (with the required reason), written by
 * lib/billing, the one writer of subscription state, in one transaction with one audit row
 * (who, what, before, after, reason). Plan changes and Enterprise terms go through the billing
 * service too (lib/admin's billing ops).
 */

function orgIdOrThrow(organizationId: string): string {
  if (!isUuid(organizationId)) throw new AppError("not_found", "No organization with that id.");
  return organizationId;
}

/** Override one limit for this organization; a value of null lifts it (unlimited). */
export async function setLimitOverride(
  db: Queryable,
  organizationId: string,
  raw: SetLimitOverrideInput,
  actor: Actor,
) {
  const input = parseWith(setLimitOverrideSchema, raw, "limit override");
  return billing.setLimitOverride(db, orgIdOrThrow(organizationId), input, actor);
}

/** Remove an override: the plan's (or Enterprise terms') limit applies again. */
export async function removeLimitOverride(
  db: Queryable,
  organizationId: string,
  raw: { key: string; reason: string },
  actor: Actor,
) {
  const input = parseWith(removeLimitOverrideSchema, raw, "request");
  return billing.removeLimitOverride(db, orgIdOrThrow(organizationId), input, actor);
}

/** Push a running trial's end later by whole days (in Stripe too when the subscription is there). */
export async function extendTrial(
  db: Queryable,
  organizationId: string,
  raw: { days: number | string; reason: string },
  actor: Actor,
  now = new Date(),
) {
  const input = parseWith(extendTrialSchema, raw, "trial extension");
  return billing.extendTrial({ db }, orgIdOrThrow(organizationId), input, actor, now);
}
