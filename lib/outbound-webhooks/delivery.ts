import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import { rowsOf, type Db, type Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { openSecret, sign, SIGNATURE_HEADER } from "./signing";
import { assertDeliverableUrl } from "./targets";

/**
 * At-least-once delivery to the platform's endpoints, run by lib/jobs (webhooks.outbound).
 *
 * 1. Fan-out: each event recorded (in its cause's transaction) gets one delivery row per enabled
 *    endpoint that wants its type; the event is marked fanned out in the same transaction.
 * 2. Delivery: a due row is claimed with FOR UPDATE SKIP LOCKED, POSTed (signed, with the same
 *    event id every time), and the attempt and its outcome are written before the lock is released.
 *    2xx: delivered. Anything else (a 3xx too: redirects are not followed, a timeout, a refused
 *    connection): retried — the first retry within a minute, then exponential backoff — until
 *    3 days after the first attempt, then dead. Admins can redeliver any row.
 */

export const OUTBOUND_WEBHOOK_JOB = "webhooks.outbound";
export const DELIVERY_TIMEOUT_MS = 10_000;
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;
const FIRST_RETRY_MS = 30_000;
const MAX_DELAY_MS = 12 * 3_600_000;

/** Delay after the n-th failed attempt: 30 s, 2 min, 8 min, 32 min, ~2 h, ~8.5 h, then 12 h. */
export function retryDelayMs(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 4 ** Math.max(0, failures - 1), MAX_DELAY_MS);
}

export type Fetch = typeof fetch;
export type DeliveryOptions = {
  now?: () => Date;
  fetch?: Fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
  limit?: number;
  allowPrivate?: boolean;
  authSecret?: string;
};

/** The body receivers get: the event, as stored (the same bytes' meaning on every retry). */
export function eventBody(e: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({
    id: e.id,
    object: "event",
    type: e.type,
    created: Math.floor(e.createdAt.getTime() / 1000),
    data: e.data,
  });
}

/** Give every unfanned event its deliveries. */
export async function fanOutEvents(db: Db, opts: { limit?: number; now?: Date } = {}): Promise<number> {
  const at = (opts.now ?? new Date()).toISOString();
  return db.transaction(async (tx) => {
    const events = rowsOf<{ id: string }>(
      await tx.execute(sql`
        select id from ${webhookEvents} where fanned_out_at is null
        order by created_at limit ${opts.limit ?? 500} for update skip locked`),
    );
    if (events.length === 0) return 0;
    const ids = sql.join(
      events.map((e) => sql`${e.id}`),
      sql`, `,
    );
    await tx.execute(sql`
      insert into ${webhookDeliveries} (event_id, endpoint_id, next_attempt_at, created_at)
      select e.id, ep.id, ${at}::timestamptz, ${at}::timestamptz
      from ${webhookEvents} e join ${webhookEndpoints} ep
        on ep.disabled_at is null and ep.deleted_at is null and ep.created_at <= e.created_at and (e.type = any(ep.events) or '*' = any(ep.events))
      where e.id in (${ids})
      on conflict (event_id, endpoint_id) do nothing`);
    await tx.execute(sql`update ${webhookEvents} set fanned_out_at = now() where id in (${ids})`);
    return events.length;
  });
}

export type AttemptOutcome = { ok: boolean; statusCode: number | null; error: string | null; durationMs: number };

/** One signed POST. Never throws: the outcome says what happened. */
export async function postEvent(
  target: { url: string; secrets: readonly string[] },
  body: string,
  opts: { at: Date; fetch: Fetch; timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptOutcome> {
  const t0 = performance.now();
  const done = (r: Omit<AttemptOutcome, "durationMs">): AttemptOutcome => ({
    ...r,
    durationMs: Math.round(performance.now() - t0),
  });
  try {
    await assertDeliverableUrl(target.url, { allowPrivate: opts.allowPrivate });
    const t = Math.floor(opts.at.getTime() / 1000);
    const res = await opts.fetch(target.url, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "AgentBill-Webhooks/1",
        [SIGNATURE_HEADER]: sign(target.secrets, body, t),
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return done({ ok: true, statusCode: res.status, error: null });
    return done({
      ok: false,
      statusCode: res.status,
      error:
        res.status >= 300 && res.status < 400
          ? `The endpoint answered ${res.status} (a redirect): redirects are not followed; register the final URL.`
          : `The endpoint answered ${res.status}.`,
    });
  } catch (err) {
    if (isAppError(err)) return done({ ok: false, statusCode: null, error: err.message });
    const e = err as Error & { cause?: { code?: string } };
    const message =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `No answer within ${Math.round(opts.timeoutMs / 1000)} s (timed out).`
        : e.cause?.code === "ECONNREFUSED"
          ? "The connection was refused."
          : `The request failed: ${e.cause?.code ?? e.message}.`;
    return done({ ok: false, statusCode: null, error: message });
  }
}

type Claimed = {
  id: string;
  attempts: number;
  created_at: Date | string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  event_created_at: Date | string;
  url: string;
  secret_ciphertext: string;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | string | null;
};

/** The current secret, and the previous one while its grace period lasts at `at`. */
function secretsAt(row: Claimed, at: Date, authSecret: string): string[] {
  const secrets = [openSecret(row.secret_ciphertext, authSecret)];
  if (row.previous_secret_ciphertext && row.previous_secret_expires_at)
    if (new Date(row.previous_secret_expires_at).getTime() > at.getTime())
      secrets.push(openSecret(row.previous_secret_ciphertext, authSecret));
  return secrets;
}

/** Attempt one delivery row now (claimed by the caller), recording the attempt and the outcome. */
async function attempt(tx: Queryable, row: Claimed, opts: Required<Omit<DeliveryOptions, "signal" | "limit">>) {
  const at = opts.now();
  const body = eventBody({
    id: row.event_id,
    type: row.type,
    createdAt: new Date(row.event_created_at),
    data: row.data,
  });
  const outcome = await postEvent({ url: row.url, secrets: secretsAt(row, at, opts.authSecret) }, body, {
    at,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs,
    allowPrivate: opts.allowPrivate,
  });
  const attempts = row.attempts + 1;
  await tx.insert(webhookAttempts).values({
    deliveryId: row.id,
    at,
    statusCode: outcome.statusCode,
    error: outcome.error,
    durationMs: outcome.durationMs,
  });
  const next = new Date(at.getTime() + retryDelayMs(attempts));
  const giveUpAt = new Date(row.created_at).getTime() + GIVE_UP_AFTER_MS;
  await tx
    .update(webhookDeliveries)
    .set({
      attempts,
      lastAttemptAt: at,
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error,
      status: outcome.ok ? "succeeded" : next.getTime() > giveUpAt ? "dead" : "pending",
      deliveredAt: outcome.ok ? at : null,
      nextAttemptAt: outcome.ok ? at : next,
    })
    .where(eq(webhookDeliveries.id, row.id));
  return outcome;
}

const CLAIM_COLUMNS = sql`d.id, d.attempts, d.created_at, e.id as event_id, e.type, e.data, e.created_at as event_created_at,
  ep.url, ep.secret_ciphertext, ep.previous_secret_ciphertext, ep.previous_secret_expires_at`;

function resolved(opts: DeliveryOptions) {
  const e = env();
  return {
    now: opts.now ?? (() => new Date()),
    fetch: opts.fetch ?? fetch,
    timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    allowPrivate: opts.allowPrivate ?? e.outboundWebhooksAllowPrivate,
    authSecret: opts.authSecret ?? e.authSecret,
  };
}

export type DrainDeliveriesResult = { fannedOut: number; delivered: number; failed: number; dead: number };

/** Fan out new events, then deliver what is due, one row per transaction. */
export async function drainWebhookDeliveries(db: Db, opts: DeliveryOptions = {}): Promise<DrainDeliveriesResult> {
  const o = resolved(opts);
  const result: DrainDeliveriesResult = {
    fannedOut: await fanOutEvents(db, { now: o.now() }),
    delivered: 0,
    failed: 0,
    dead: 0,
  };
  for (let i = 0; i < (opts.limit ?? 100) && !opts.signal?.aborted; i++) {
    const outcome = await db.transaction(async (tx) => {
      const [row] = rowsOf<Claimed>(
        await tx.execute(sql`
          select ${CLAIM_COLUMNS}
          from ${webhookDeliveries} d
          join ${webhookEvents} e on e.id = d.event_id
          join ${webhookEndpoints} ep on ep.id = d.endpoint_id
          where d.status = 'pending' and d.next_attempt_at <= ${o.now().toISOString()}::timestamptz
            and ep.disabled_at is null and ep.deleted_at is null
          order by d.next_attempt_at limit 1
          for update of d skip locked`),
      );
      if (!row) return null;
      const r = await attempt(tx, row, o);
      const [after] = await tx
        .select({ status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, row.id));
      return r.ok ? "delivered" : after?.status === "dead" ? "dead" : "failed";
    });
    if (!outcome) break;
    result[outcome]++;
  }
  return result;
}

/**
 * Deliver one pending row now (test send, manual redelivery): waits for the row's lock if the
 * worker holds it. Refused when the endpoint was disabled or deleted (its rows canceled) meanwhile.
 */
export async function deliverNow(db: Db, deliveryId: string, opts: DeliveryOptions = {}): Promise<AttemptOutcome> {
  const o = resolved(opts);
  return db.transaction(async (tx) => {
    const [row] = rowsOf<Claimed>(
      await tx.execute(sql`
        select ${CLAIM_COLUMNS}
        from ${webhookDeliveries} d
        join ${webhookEvents} e on e.id = d.event_id
        join ${webhookEndpoints} ep on ep.id = d.endpoint_id
        where d.id = ${deliveryId}::uuid and d.status = 'pending' and ep.disabled_at is null and ep.deleted_at is null
        for update of d`),
    );
    // Canceled meanwhile (the endpoint disabled or deleted between the check and now).
    if (!row) throw new AppError("conflict", "The endpoint was disabled or deleted meanwhile: nothing was sent.");
    return attempt(tx, row, o);
  });
}

/** Queue a delivery again (manual redelivery): due now, with a fresh 3-day window. */
export async function requeueDelivery(db: Queryable, deliveryId: string, endpointId: string): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: "pending", canceledReason: null, nextAttemptAt: new Date(), createdAt: new Date() })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}
