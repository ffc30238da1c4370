import "server-only";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError, suspensionMessage } from "@/lib/errors";
import { announceApiKeyChange, cachedLookup, forgetApiKeys, peekCached, touchCached } from "./api-key-cache";
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from "./api-key-format";

export const createApiKeySchema = z.object({
  name: z
    .string({ error: "Give the key a name so you can recognise it later." })
    .trim()
    .min(1, "Give the key a name so you can recognise it later.")
    .max(80, "Keep the name under 80 characters."),
});

export type ApiKeyCaller = {
  apiKeyId: string;
  organization: {
    id: string;
    slug: string;
    name: string;
    status: "active" | "suspended";
    suspendedReason: string | null;
  };
};

type KeyRow = ApiKeyCaller & { revoked: boolean; lastUsedAt: number | null };

async function loadKey(db: Queryable, hash: string): Promise<KeyRow | null> {
  const [row] = await db
    .select({
      apiKeyId: apiKeys.id,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      status: organizations.status,
      suspendedReason: organizations.suspendedReason,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(eq(apiKeys.keyHash, hash))
    .limit(1);
  if (!row) return null;
  return {
    apiKeyId: row.apiKeyId,
    revoked: row.revokedAt !== null,
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
    organization: {
      id: row.id,
      slug: row.slug,
      name: row.name,
      status: row.status,
      suspendedReason: row.suspendedReason,
    },
  };
}

/**
 * Who is calling with this bearer key? Unknown or revoked: 401. The organization may be
 * suspended: the caller decides (most platform routes answer 403 with the reason).
 * The lookup is cached in memory (lib/auth/api-key-cache.ts: cleared at once on revoke,
 * suspension and reactivation, on every instance). `last_used_at` is written at most once a
 * minute per key, to keep the hot path read-only.
 */
export async function authenticateApiKey(db: Queryable, presented: string | null | undefined): Promise<ApiKeyCaller> {
  if (!presented || !presented.startsWith(API_KEY_PREFIX) || presented.length > 200) {
    throw new AppError("unauthenticated", "Missing or malformed API key. Send it as: Authorization: Bearer agb_…");
  }
  const hash = hashApiKey(presented);
  const row = await cachedLookup(db, hash, () => loadKey(db, hash));
  if (!row || row.revoked) throw new AppError("unauthenticated", "This API key is not valid or has been revoked.");
  const now = Date.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt > 60_000) {
    touchCached<KeyRow>(db, hash, (r) => ({ ...r, lastUsedAt: now }));
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(
        and(
          eq(apiKeys.id, row.apiKeyId),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
        ),
      );
  }
  return { apiKeyId: row.apiKeyId, organization: row.organization };
}

/**
 * `authenticateApiKey`'s answer when it needs neither the database nor a write: the key is in the
 * cache, not revoked, and its use was recorded within the minute. Otherwise undefined (unknown,
 * malformed, revoked or due a `last_used_at` write): call `authenticateApiKey`, which answers or
 * refuses. Synchronous, for the API's hot path (no promise per request).
 */
export function cachedApiKeyCaller(db: Queryable, presented: string | null | undefined): ApiKeyCaller | undefined {
  if (!presented || !presented.startsWith(API_KEY_PREFIX) || presented.length > 200) return undefined;
  const now = Date.now();
  const row = peekCached<KeyRow>(db, hashApiKey(presented), now);
  if (!row || row.revoked || row.lastUsedAt === null || now - row.lastUsedAt > 60_000) return undefined;
  return { apiKeyId: row.apiKeyId, organization: row.organization };
}

export type ApiKeyListItem = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function listApiKeys(db: Queryable, organizationId: string): Promise<ApiKeyListItem[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Create a key; the whole key is returned this once and never stored. */
export async function createApiKey(
  db: Queryable,
  input: { organizationId: string; name: string; actor: Actor & { kind: "user" } },
): Promise<{ key: string; item: ApiKeyListItem }> {
  const { name } = createApiKeySchema.parse({ name: input.name });
  const generated = generateApiKey();
  return db.transaction(async (tx) => {
    // A suspended organization's keys are refused: a new one would be too. Say so, and why.
    const [org] = await tx
      .select({ name: organizations.name, status: organizations.status, reason: organizations.suspendedReason })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for("share");
    if (org?.status === "suspended")
      throw new AppError(
        "suspended",
        suspensionMessage({ name: org.name, suspendedReason: org.reason }, env().seller.email),
      );
    const [row] = await tx
      .insert(apiKeys)
      .values({
        organizationId: input.organizationId,
        name,
        prefix: generated.prefix,
        keyHash: generated.hash,
        createdByUserId: input.actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actor: input.actor,
      action: "api_key.created",
      targetType: "api_key",
      targetId: row!.id,
      organizationId: input.organizationId,
      details: { name, prefix: generated.prefix },
    });
    return {
      key: generated.key,
      item: {
        id: row!.id,
        name: row!.name,
        prefix: row!.prefix,
        createdAt: row!.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      },
    };
  });
}

/** Revoke a key of this organization (a key of another organization is "not found"). */
export async function revokeApiKey(
  db: Queryable,
  input: { organizationId: string; apiKeyId: string; actor: Actor; reason?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.id, input.apiKeyId),
          eq(apiKeys.organizationId, input.organizationId),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ id: apiKeys.id, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt });
    if (!row) throw new AppError("not_found", "No active API key with that id in this organization.");
    await announceApiKeyChange(tx);
    await recordAudit(tx, {
      actor: input.actor,
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      organizationId: input.organizationId,
      details: {
        prefix: row.prefix,
        before: { revokedAt: null },
        after: { revokedAt: row.revokedAt?.toISOString() ?? null },
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
  });
  forgetApiKeys(db);
}
