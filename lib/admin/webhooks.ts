import "server-only";
import { and, asc, count, desc, eq, like, or, type SQL } from "drizzle-orm";
import { stripeEvents } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { escapeLike } from "./orgs-list";
import type { WebhookQuery } from "./schemas";

/**
 * Stripe events as the receiver stored them and the worker left them (read-only here:
 * replaying failed events belongs to the webhook service, lib/webhooks).
 */

export const WEBHOOK_PAGE_SIZE = 50;

export type WebhookEventRow = {
  id: string;
  type: string;
  status: "pending" | "processed" | "failed" | "ignored";
  attempts: number;
  lastError: string | null;
  objectId: string | null;
  livemode: boolean;
  stripeCreated: number;
  receivedAt: Date;
  processedAt: Date | null;
};

const columns = {
  id: stripeEvents.id,
  type: stripeEvents.type,
  status: stripeEvents.status,
  attempts: stripeEvents.attempts,
  lastError: stripeEvents.lastError,
  objectId: stripeEvents.objectId,
  livemode: stripeEvents.livemode,
  stripeCreated: stripeEvents.stripeCreated,
  receivedAt: stripeEvents.receivedAt,
  processedAt: stripeEvents.processedAt,
};

export async function listWebhookEvents(db: Queryable, query: WebhookQuery) {
  const where: SQL[] = [];
  // "invoice." or "invoice" matches every invoice.* type; a full type matches itself.
  if (query.type) where.push(like(stripeEvents.type, `${escapeLike(query.type)}%`));
  if (query.status) where.push(eq(stripeEvents.status, query.status));
  if (query.q) {
    const prefix = `${escapeLike(query.q)}%`;
    where.push(or(like(stripeEvents.id, prefix), like(stripeEvents.objectId, prefix))!);
  }
  const condition = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select(columns)
      .from(stripeEvents)
      .where(condition)
      .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
      .limit(WEBHOOK_PAGE_SIZE)
      .offset((query.page - 1) * WEBHOOK_PAGE_SIZE),
    db.select({ n: count() }).from(stripeEvents).where(condition),
  ]);
  const n = Number(total?.n ?? 0);
  return {
    rows: rows as WebhookEventRow[],
    total: n,
    page: query.page,
    pages: Math.max(1, Math.ceil(n / WEBHOOK_PAGE_SIZE)),
  };
}

export async function listWebhookTypes(db: Queryable): Promise<string[]> {
  const rows = await db
    .selectDistinct({ type: stripeEvents.type })
    .from(stripeEvents)
    .orderBy(asc(stripeEvents.type))
    .limit(200);
  return rows.map((r) => r.type);
}

export async function getWebhookEventOrThrow(
  db: Queryable,
  id: string,
): Promise<
  WebhookEventRow & { payload: Record<string, unknown>; lastErrorDetail: string | null; nextAttemptAt: Date | null }
> {
  const [row] = await db
    .select({
      ...columns,
      payload: stripeEvents.payload,
      lastErrorDetail: stripeEvents.lastErrorDetail,
      nextAttemptAt: stripeEvents.nextAttemptAt,
    })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, id))
    .limit(1);
  if (!row) throw new AppError("not_found", `No Stripe event with the id ${id}.`);
  return row as WebhookEventRow & {
    payload: Record<string, unknown>;
    lastErrorDetail: string | null;
    nextAttemptAt: Date | null;
  };
}
