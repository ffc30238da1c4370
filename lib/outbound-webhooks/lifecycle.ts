import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { rowsOf, type Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/input";
import { newEndpointSecret, openSecret, sealSecret } from "./signing";
import { ENDPOINT_VIEW, type EndpointView } from "./view";

/**
 * An endpoint's life after registration: disable and enable, delete, roll the signing secret.
 * Each locks the endpoint row, writes its change and one audit row in one transaction.
 *
 * - Disabling or deleting cancels the endpoint's pending deliveries (status `canceled`, with the
 *   reason, kept in the log); enabling again sends new events, and an admin can redeliver a
 *   canceled one.
 * - Deleting keeps the row and its delivery log (readable under "Deleted endpoints"), erases its
 *   secrets, and can't be undone.
 * - Rolling makes a new secret, shown once. For the grace period (default 24 h; 0 = at once)
 *   deliveries carry two `v1` signatures, new and old secret, so the platform can switch without
 *   losing events. The same roll submitted twice (same idempotency key, within 10 minutes)
 *   answers the same new secret instead of making another.
 */

const reason = z
  .string({ error: "Say why (for the audit log)." })
  .trim()
  .min(3, "Say why (at least 3 characters).")
  .max(500, "Use at most 500 characters.");

export const GRACE_CHOICES = [
  { seconds: 0, label: "At once (the old secret stops now)" },
  { seconds: 3_600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
  { seconds: 3 * 86_400, label: "3 days" },
  { seconds: 7 * 86_400, label: "7 days" },
] as const;
export const DEFAULT_GRACE_SECONDS = 86_400;
const MAX_GRACE_SECONDS = 7 * 86_400;
const REPLAY_WINDOW_MS = 10 * 60_000;

const graceSeconds = z
  .number({ error: "graceSeconds is a number of seconds (0 to 604800)." })
  .int("graceSeconds is a whole number of seconds.")
  .min(0, "graceSeconds can't be negative.")
  .max(MAX_GRACE_SECONDS, "The grace period is at most 7 days (604800 s).");
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, "idempotencyKey: 8 to 100 letters, digits, - or _.");

/** The JSON API's bodies (strict: unknown fields are refused). */
export const rollSecretSchema = z.strictObject({
  reason,
  graceSeconds: graceSeconds.optional().default(DEFAULT_GRACE_SECONDS),
  idempotencyKey: idempotencyKey.optional(),
});
export const updateEndpointSchema = z.strictObject({
  enabled: z.boolean({ error: "enabled is true or false." }),
  reason,
});
export const deleteEndpointSchema = z.strictObject({ reason });

/** The form's fields (strings). */
export const rollSecretFormSchema = z.object({
  reason,
  graceSeconds: z.coerce
    .number({ error: "Choose how long the old secret keeps working." })
    .pipe(graceSeconds)
    .optional()
    .default(DEFAULT_GRACE_SECONDS),
  idempotencyKey: idempotencyKey.optional(),
});

type Locked = {
  id: string;
  secret_ciphertext: string;
  secret_prefix: string;
  roll_key: string | null;
  secret_rolled_at: Date | string | null;
  previous_secret_expires_at: Date | string | null;
  disabled_at: Date | string | null;
  deleted_at: Date | string | null;
};

async function lockEndpoint(tx: Queryable, id: string): Promise<Locked> {
  if (!isUuid(id)) throw new AppError("not_found", "No such webhook endpoint.");
  const rows = rowsOf<Locked>(
    await tx.execute(sql`
    select id, secret_ciphertext, secret_prefix, roll_key, secret_rolled_at, previous_secret_expires_at,
      disabled_at, deleted_at
    from ${webhookEndpoints} where id = ${id}::uuid for update`),
  );
  const row = rows[0];
  if (!row) throw new AppError("not_found", "No such webhook endpoint.");
  return row;
}

function refuseDeleted(row: Locked): void {
  if (row.deleted_at)
    throw new AppError(
      "conflict",
      "This endpoint was deleted: nothing can be changed. Add the URL again as a new endpoint.",
    );
}

/** Pending deliveries of the endpoint become `canceled` (kept in its log with the reason). */
async function cancelPending(tx: Queryable, endpointId: string, why: string): Promise<number> {
  const rows = await tx
    .update(webhookDeliveries)
    .set({ status: "canceled", canceledReason: why })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}

async function viewOf(tx: Queryable, id: string): Promise<EndpointView> {
  const [row] = await tx.select(ENDPOINT_VIEW).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row!;
}

export async function setEndpointEnabled(
  db: Queryable,
  id: string,
  enabled: boolean,
  input: { reason: string },
  actor: Actor,
  opts: { now?: Date } = {},
): Promise<EndpointView & { canceledDeliveries: number }> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const row = await lockEndpoint(tx, id);
    refuseDeleted(row);
    await tx
      .update(webhookEndpoints)
      .set({ disabledAt: enabled ? null : row.disabled_at ? new Date(row.disabled_at) : now })
      .where(eq(webhookEndpoints.id, id));
    const canceled = enabled ? 0 : await cancelPending(tx, id, "Canceled: the endpoint was disabled.");
    await recordAudit(tx, {
      actor,
      action: enabled ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled",
      targetType: "webhook_endpoint",
      targetId: id,
      details: { reason: input.reason, ...(enabled ? {} : { canceledDeliveries: canceled }) },
    });
    return { ...(await viewOf(tx, id)), canceledDeliveries: canceled };
  });
}

/** Delete for good: no more deliveries (pending ones canceled), secrets erased, the log kept. */
export async function deleteEndpoint(
  db: Queryable,
  id: string,
  input: { reason: string },
  actor: Actor,
  opts: { now?: Date } = {},
): Promise<{ endpoint: EndpointView; canceledDeliveries: number }> {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    const row = await lockEndpoint(tx, id);
    if (row.deleted_at) throw new AppError("conflict", "This endpoint was already deleted.");
    await tx
      .update(webhookEndpoints)
      .set({
        deletedAt: now,
        disabledAt: row.disabled_at ? new Date(row.disabled_at) : now,
        // Nobody signs with it again: erase it (the prefix stays so the log can be read).
        secretCiphertext: "",
        previousSecretCiphertext: null,
        previousSecretPrefix: null,
        previousSecretExpiresAt: null,
        rollKey: null,
      })
      .where(eq(webhookEndpoints.id, id));
    const canceled = await cancelPending(tx, id, "Canceled: the endpoint was deleted.");
    const endpoint = await viewOf(tx, id);
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.deleted",
      targetType: "webhook_endpoint",
      targetId: id,
      details: { reason: input.reason, url: endpoint.url, canceledDeliveries: canceled },
    });
    return { endpoint, canceledDeliveries: canceled };
  });
}

export type RolledSecret = {
  endpoint: EndpointView;
  /** The new signing secret: shown once. */
  secret: string;
  /** Until when deliveries are signed with the old secret too (null: not at all). */
  previousSecretExpiresAt: Date | null;
  /** True when this answers a repeat of the same roll (same idempotency key): no new secret was made. */
  replayed: boolean;
};

/** Roll the signing secret: a new one now, the old one also signed with during the grace period. */
export async function rollEndpointSecret(
  db: Queryable,
  id: string,
  input: z.output<typeof rollSecretSchema>,
  actor: Actor,
  opts: { now?: Date; authSecret?: string } = {},
): Promise<RolledSecret> {
  const now = opts.now ?? new Date();
  const authSecret = opts.authSecret ?? env().authSecret;
  return db.transaction(async (tx) => {
    const row = await lockEndpoint(tx, id);
    refuseDeleted(row);
    if (input.idempotencyKey && row.roll_key === input.idempotencyKey) {
      const rolledAt = row.secret_rolled_at ? new Date(row.secret_rolled_at).getTime() : 0;
      if (now.getTime() - rolledAt > REPLAY_WINDOW_MS)
        throw new AppError(
          "conflict",
          "This roll was already made, and its secret shown then. Roll again for a new secret.",
        );
      return {
        endpoint: await viewOf(tx, id),
        secret: openSecret(row.secret_ciphertext, authSecret),
        previousSecretExpiresAt: row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null,
        replayed: true,
      };
    }
    const secret = newEndpointSecret();
    const grace = input.graceSeconds;
    const previousExpiresAt = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
    await tx
      .update(webhookEndpoints)
      .set({
        secretCiphertext: sealSecret(secret, authSecret),
        secretPrefix: `${secret.slice(0, 12)}…`,
        previousSecretCiphertext: previousExpiresAt ? row.secret_ciphertext : null,
        previousSecretPrefix: previousExpiresAt ? row.secret_prefix : null,
        previousSecretExpiresAt: previousExpiresAt,
        secretRolledAt: now,
        rollKey: input.idempotencyKey ?? null,
      })
      .where(eq(webhookEndpoints.id, id));
    const endpoint = await viewOf(tx, id);
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.secret_rolled",
      targetType: "webhook_endpoint",
      targetId: id,
      details: {
        reason: input.reason,
        graceSeconds: grace,
        secretPrefix: endpoint.secretPrefix,
        previousSecretPrefix: row.secret_prefix,
        previousSecretExpiresAt: previousExpiresAt?.toISOString() ?? null,
      },
    });
    return { endpoint, secret, previousSecretExpiresAt: previousExpiresAt, replayed: false };
  });
}
