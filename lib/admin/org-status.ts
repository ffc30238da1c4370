import "server-only";
import { eq, sql } from "drizzle-orm";
import { organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { announceApiKeyChange, forgetApiKeys } from "@/lib/auth/api-key-cache";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { notify } from "@/lib/notify";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http/errors";
import { isUuid } from "@/lib/input";
import { reactivateSchema, revokeKeySchema, suspendSchema } from "./schemas";

/**
 * Suspension and API keys. A suspended organization keeps its data; its API keys answer 403
 * with the reason (lib/api) until it is reactivated.
 */

async function lockOrganization(tx: Queryable, id: string) {
  if (!isUuid(id)) throw new AppError("not_found", "No organization with that id.");
  const [org] = await tx
    .select({
      id: organizations.id,
      slug: organizations.slug,
      status: organizations.status,
      suspendedReason: organizations.suspendedReason,
    })
    .from(organizations)
    .where(eq(organizations.id, id))
    .for("update")
    .limit(1);
  if (!org) throw new AppError("not_found", "No organization with that id.");
  return org;
}

/** The reason is shown to the organization's API clients in the 403, and recorded in the audit log. */
export async function suspendOrganization(
  db: Queryable,
  organizationId: string,
  raw: { reason: string },
  actor: Actor,
) {
  const input = parseWith(suspendSchema, raw, "suspension");
  const result = await db.transaction(async (tx) => {
    const org = await lockOrganization(tx, organizationId);
    if (org.status === "suspended") throw new AppError("conflict", `${org.slug} is already suspended.`);
    await tx
      .update(organizations)
      .set({ status: "suspended", suspendedReason: input.reason, updatedAt: sql`now()` })
      .where(eq(organizations.id, org.id));
    await announceApiKeyChange(tx);
    await recordAudit(tx, {
      actor,
      action: "organization.suspended",
      targetType: "organization",
      targetId: org.id,
      organizationId: org.id,
      details: {
        before: { status: org.status, suspendedReason: org.suspendedReason },
        after: { status: "suspended", suspendedReason: input.reason },
        reason: input.reason,
      },
    });
    await notify(tx, "organization_suspended", org.id, { reason: input.reason });
    return { status: "suspended" as const };
  });
  forgetApiKeys(db);
  return result;
}

export async function reactivateOrganization(
  db: Queryable,
  organizationId: string,
  raw: { reason: string },
  actor: Actor,
) {
  const input = parseWith(reactivateSchema, raw, "reactivation");
  const result = await db.transaction(async (tx) => {
    const org = await lockOrganization(tx, organizationId);
    if (org.status === "active") throw new AppError("conflict", `${org.slug} is already active.`);
    await tx
      .update(organizations)
      .set({ status: "active", suspendedReason: null, updatedAt: sql`now()` })
      .where(eq(organizations.id, org.id));
    await announceApiKeyChange(tx);
    await notify(tx, "organization_reactivated", org.id, {});
    await recordAudit(tx, {
      actor,
      action: "organization.reactivated",
      targetType: "organization",
      targetId: org.id,
      organizationId: org.id,
      details: {
        before: { status: org.status, suspendedReason: org.suspendedReason },
        after: { status: "active", suspendedReason: null },
        reason: input.reason,
      },
    });
    return { status: "active" as const };
  });
  forgetApiKeys(db);
  return result;
}

/** Revoke one of the organization's API keys (one audit row, written by the key service). */
export async function revokeOrganizationApiKey(
  db: Queryable,
  organizationId: string,
  raw: { apiKeyId: string; reason: string },
  actor: Actor,
) {
  const input = parseWith(revokeKeySchema, raw, "request");
  if (!isUuid(organizationId)) throw new AppError("not_found", "No organization with that id.");
  await revokeApiKey(db, { organizationId, apiKeyId: input.apiKeyId, actor, reason: input.reason });
}
