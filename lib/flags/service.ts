import "server-only";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { featureFlagOverrides, featureFlags, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { isUuid } from "@/lib/input";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http/errors";
import { flagsChanged } from "./cache";
import {
  createFlagSchema,
  deleteFlagSchema,
  flagKeySchema,
  flagOverrideSchema,
  removeFlagOverrideSchema,
  updateFlagSchema,
  type CreateFlagInput,
  type UpdateFlagInput,
} from "./schemas";

/** Flag administration. Every write records one audit row in its own transaction. */

export type FlagRow = {
  key: string;
  description: string;
  defaultEnabled: boolean;
  rolloutPercent: number;
  createdAt: Date;
  updatedAt: Date;
};
export type FlagListItem = FlagRow & { overrides: number };
export type FlagOverrideItem = {
  organizationId: string;
  slug: string;
  name: string;
  enabled: boolean;
  createdAt: Date;
};

const flagColumns = {
  key: featureFlags.key,
  description: featureFlags.description,
  defaultEnabled: featureFlags.defaultEnabled,
  rolloutPercent: featureFlags.rolloutPercent,
  createdAt: featureFlags.createdAt,
  updatedAt: featureFlags.updatedAt,
};

function snapshot(f: Pick<FlagRow, "description" | "defaultEnabled" | "rolloutPercent">) {
  return { description: f.description, defaultEnabled: f.defaultEnabled, rolloutPercent: f.rolloutPercent };
}

export async function listFlags(db: Queryable): Promise<FlagListItem[]> {
  const rows = await db
    .select({ ...flagColumns, overrides: count(featureFlagOverrides.organizationId) })
    .from(featureFlags)
    .leftJoin(featureFlagOverrides, eq(featureFlagOverrides.flagKey, featureFlags.key))
    .groupBy(featureFlags.key)
    .orderBy(asc(featureFlags.key));
  return rows.map((r) => ({ ...r, overrides: Number(r.overrides) }));
}

export async function getFlagOrThrow(
  db: Queryable,
  key: string,
): Promise<FlagRow & { overrideList: FlagOverrideItem[] }> {
  const [flag] = await db.select(flagColumns).from(featureFlags).where(eq(featureFlags.key, key)).limit(1);
  if (!flag) throw new AppError("not_found", `No feature flag with the key "${key}".`);
  const overrideList = await db
    .select({
      organizationId: featureFlagOverrides.organizationId,
      slug: organizations.slug,
      name: organizations.name,
      enabled: featureFlagOverrides.enabled,
      createdAt: featureFlagOverrides.createdAt,
    })
    .from(featureFlagOverrides)
    .innerJoin(organizations, eq(organizations.id, featureFlagOverrides.organizationId))
    .where(eq(featureFlagOverrides.flagKey, key))
    .orderBy(asc(organizations.slug));
  return { ...flag, overrideList };
}

export async function createFlag(db: Queryable, raw: CreateFlagInput, actor: Actor): Promise<FlagRow> {
  const input = parseWith(createFlagSchema, raw, "flag");
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(featureFlags)
      .values({
        key: input.key,
        description: input.description,
        defaultEnabled: input.defaultEnabled,
        rolloutPercent: input.rolloutPercent,
      })
      .onConflictDoNothing()
      .returning(flagColumns);
    if (!created) throw new AppError("conflict", `A flag with the key "${input.key}" already exists: edit it instead.`);
    await recordAudit(tx, {
      actor,
      action: "feature_flag.created",
      targetType: "feature_flag",
      targetId: created.key,
      details: { before: null, after: snapshot(created), reason: input.reason },
    });
    return created;
  });
  flagsChanged();
  return row;
}

export async function updateFlag(db: Queryable, key: string, raw: UpdateFlagInput, actor: Actor): Promise<FlagRow> {
  const input = parseWith(updateFlagSchema, raw, "flag");
  const row = await db.transaction(async (tx) => {
    const [before] = await tx
      .select(flagColumns)
      .from(featureFlags)
      .where(eq(featureFlags.key, key))
      .for("update")
      .limit(1);
    if (!before) throw new AppError("not_found", `No feature flag with the key "${key}".`);
    const [after] = await tx
      .update(featureFlags)
      .set({
        description: input.description ?? before.description,
        defaultEnabled: input.defaultEnabled ?? before.defaultEnabled,
        rolloutPercent: input.rolloutPercent ?? before.rolloutPercent,
        updatedAt: sql`now()`,
      })
      .where(eq(featureFlags.key, key))
      .returning(flagColumns);
    await recordAudit(tx, {
      actor,
      action: "feature_flag.updated",
      targetType: "feature_flag",
      targetId: key,
      details: { before: snapshot(before), after: snapshot(after!), reason: input.reason },
    });
    return after!;
  });
  flagsChanged();
  return row;
}

export async function deleteFlag(db: Queryable, key: string, raw: { reason: string }, actor: Actor): Promise<void> {
  const input = parseWith(deleteFlagSchema, raw, "request");
  await db.transaction(async (tx) => {
    const [before] = await tx
      .select(flagColumns)
      .from(featureFlags)
      .where(eq(featureFlags.key, key))
      .for("update")
      .limit(1);
    if (!before) throw new AppError("not_found", `No feature flag with the key "${key}".`);
    const [overrides] = await tx
      .select({ n: count() })
      .from(featureFlagOverrides)
      .where(eq(featureFlagOverrides.flagKey, key));
    await tx.delete(featureFlags).where(eq(featureFlags.key, key));
    await recordAudit(tx, {
      actor,
      action: "feature_flag.deleted",
      targetType: "feature_flag",
      targetId: key,
      details: {
        before: { ...snapshot(before), overrides: Number(overrides?.n ?? 0) },
        after: null,
        reason: input.reason,
      },
    });
  });
  flagsChanged();
}

async function resolveOrganization(db: Queryable, ref: string): Promise<{ id: string; slug: string }> {
  const slug = ref.toLowerCase();
  const where = isUuid(ref) ? eq(organizations.id, ref) : eq(organizations.slug, slug);
  const [org] = await db
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(where)
    .limit(1);
  if (!org) throw new AppError("not_found", `No organization with the slug or id "${ref}".`);
  return org;
}

async function lockFlag(tx: Queryable, key: string): Promise<void> {
  const parsedKey = flagKeySchema.safeParse(key);
  const [flag] = parsedKey.success
    ? await tx
        .select({ key: featureFlags.key })
        .from(featureFlags)
        .where(eq(featureFlags.key, parsedKey.data))
        .for("update")
        .limit(1)
    : [];
  if (!flag) throw new AppError("not_found", `No feature flag with the key "${key}".`);
}

function overrideOf(key: string, organizationId: string) {
  return and(eq(featureFlagOverrides.flagKey, key), eq(featureFlagOverrides.organizationId, organizationId));
}

async function currentOverride(tx: Queryable, key: string, organizationId: string): Promise<boolean | null> {
  const [row] = await tx
    .select({ enabled: featureFlagOverrides.enabled })
    .from(featureFlagOverrides)
    .where(overrideOf(key, organizationId))
    .limit(1);
  return row ? row.enabled : null;
}

/** Force a flag on or off for one organization, whatever the default and rollout say. */
export async function setFlagOverride(
  db: Queryable,
  key: string,
  raw: { organization: string; enabled: boolean | string; reason: string },
  actor: Actor,
): Promise<void> {
  const input = parseWith(flagOverrideSchema, raw, "override");
  await db.transaction(async (tx) => {
    await lockFlag(tx, key);
    const org = await resolveOrganization(tx, input.organization);
    const before = await currentOverride(tx, key, org.id);
    await tx
      .insert(featureFlagOverrides)
      .values({ flagKey: key, organizationId: org.id, enabled: input.enabled })
      .onConflictDoUpdate({
        target: [featureFlagOverrides.flagKey, featureFlagOverrides.organizationId],
        set: { enabled: input.enabled },
      });
    await recordAudit(tx, {
      actor,
      action: "feature_flag.override_set",
      targetType: "feature_flag",
      targetId: key,
      organizationId: org.id,
      details: {
        flag: key,
        before: before === null ? null : { enabled: before },
        after: { enabled: input.enabled },
        reason: input.reason,
      },
    });
  });
  flagsChanged();
}

/** Let the organization follow the flag's rollout and default again. */
export async function removeFlagOverride(
  db: Queryable,
  key: string,
  raw: { organization: string; reason: string },
  actor: Actor,
): Promise<void> {
  const input = parseWith(removeFlagOverrideSchema, raw, "request");
  await db.transaction(async (tx) => {
    await lockFlag(tx, key);
    const org = await resolveOrganization(tx, input.organization);
    const before = await currentOverride(tx, key, org.id);
    if (before === null) throw new AppError("not_found", `${org.slug} has no override of "${key}".`);
    await tx.delete(featureFlagOverrides).where(overrideOf(key, org.id));
    await recordAudit(tx, {
      actor,
      action: "feature_flag.override_removed",
      targetType: "feature_flag",
      targetId: key,
      organizationId: org.id,
      details: { flag: key, before: { enabled: before }, after: null, reason: input.reason },
    });
  });
  flagsChanged();
}
