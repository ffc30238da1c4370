import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { stripeEvents } from "@/db/schema";
import { rowsOf, type Db, type Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { describeFailure } from "@/lib/jobs";
import { shareWithinTransaction } from "@/lib/billing";
import type { Stripe } from "@/lib/stripe/client";
import { coverGroupOf, dispatch } from "./handlers";
import { recordStripeEvent } from "./record";
import { sharingReads } from "./shared-reads";

/**
 * The webhook worker: drains the events the receiver stored as pending, through lib/billing.
 * Each event is claimed with FOR UPDATE SKIP LOCKED in the transaction that applies it and
 * marks it processed, so it is applied exactly once and a crash leaves it pending. Events of
 * one object are applied in Stripe's order (an event waits while an older one of the same
 * object is still to do). A failure is recorded (a sentence, and the technical detail) and
 * retried with backoff; after the last retry it stays failed, visible and replayable in the
 * admin console.
 */

export const WEBHOOK_JOB = "stripe.webhooks";
/** Delays before retries 1, 2, …; after the last, the event stays failed until replayed. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];

export type WorkOutcome = "processed" | "failed" | "duplicate";
/** One pass of the worker: its head event, and how many events it applied (`covered`, the head included). */
export type Worked = { id: string; type: string; outcome: WorkOutcome; error?: string; covered?: number };

type Claimed = {
  id: string;
  type: string;
  status: string;
  attempts: number;
  objectId: string | null;
  created: number;
  payload: unknown;
};

const CLAIMED_COLUMNS = sql`id, type, status::text as status, attempts, object_id as "objectId", stripe_created as created, payload`;

/**
 * The oldest due events that head their object's queue (no older open event of the same object),
 * at most `limit`, each of another object; locked for this transaction, skipping those another
 * worker holds.
 */
async function claimHeads(tx: Queryable, now: Date, limit: number): Promise<Claimed[]> {
  return rowsOf<Claimed>(
    await tx.execute(sql`
      select e.id, e.type, e.status::text as status, e.attempts, e.object_id as "objectId",
             e.stripe_created as created, e.payload
      from stripe_events e
      where e.status in ('pending', 'failed') and e.next_attempt_at is not null
        and e.next_attempt_at <= ${now.toISOString()}::timestamptz
        and not exists (
          select 1 from stripe_events o
          where o.object_id = e.object_id and o.status in ('pending', 'failed') and o.next_attempt_at is not null
            and (o.stripe_created, o.id) < (e.stripe_created, e.id))
      order by e.stripe_created, e.id
      limit ${limit}
      for update of e skip locked`),
  );
}

/** Most events one pass covers (the head included). */
const MAX_COVERED = 100;

/**
 * For each head, the due events of its object right after it, in Stripe's order, that one pass
 * of the head's handler covers (lib/webhooks/handlers: coverGroupOf): a run that stops at the
 * first event of another kind, not yet due, or held by another transaction. One statement for all
 * the heads; locked for this transaction. It waits for no lock: an event held elsewhere (the head
 * of another batch, when an older event of the object arrived after that batch claimed it, or an
 * admin replay) ends the run, so two batches never wait for each other's heads (`skipped`, the
 * open events between the head and the row that the statement saw, tells a gap).
 */
async function claimCovered(tx: Queryable, heads: readonly Claimed[], now: Date): Promise<Map<string, Claimed[]>> {
  const runs = new Map<string, Claimed[]>();
  const coverable = heads.filter((h) => h.objectId && coverGroupOf(h.type));
  if (coverable.length === 0) return runs;
  const list = (xs: readonly (string | number)[]) => `{${xs.join(",")}}`;
  const rows = rowsOf<Claimed & { due: boolean; head: string; before: number }>(
    await tx.execute(sql`
      select e.id, e.type, e.status::text as status, e.attempts, e.object_id as "objectId",
             e.stripe_created as created, e.payload,
             e.next_attempt_at <= ${now.toISOString()}::timestamptz as due, h.id as head,
             (select count(*) from stripe_events o
              where o.object_id = e.object_id and o.status in ('pending', 'failed') and o.next_attempt_at is not null
                and (o.stripe_created, o.id) > (h.created, h.id)
                and (o.stripe_created, o.id) < (e.stripe_created, e.id))::int as before
      from unnest(${list(coverable.map((h) => h.objectId!))}::text[], ${list(coverable.map((h) => h.created))}::bigint[],
                  ${list(coverable.map((h) => h.id))}::text[]) as h(object_id, created, id)
      join stripe_events e on e.object_id = h.object_id
        and e.status in ('pending', 'failed') and e.next_attempt_at is not null
        and (e.stripe_created, e.id) > (h.created, h.id)
      order by h.id, e.stripe_created, e.id
      for update of e skip locked`),
  );
  const byHead = new Map(coverable.map((h) => [h.id, h]));
  const stopped = new Set<string>();
  for (const r of rows) {
    const head = byHead.get(r.head)!;
    const run = runs.get(head.id) ?? [];
    if (
      stopped.has(head.id) ||
      Number(r.before) !== run.length ||
      run.length >= MAX_COVERED - 1 ||
      !r.due ||
      coverGroupOf(r.type) !== coverGroupOf(head.type)
    ) {
      stopped.add(head.id);
      continue;
    }
    run.push(r);
    runs.set(head.id, run);
  }
  return runs;
}

async function claimById(tx: Queryable, id: string): Promise<Claimed | null> {
  const [row] = rowsOf<Claimed>(
    await tx.execute(sql`select ${CLAIMED_COLUMNS} from stripe_events where id = ${id} for update`),
  );
  return row ?? null;
}

function payloadOf(row: Claimed): Stripe.Event {
  // The receiver stored the verified event as it came; jsonb may come back as text on some drivers.
  return (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as Stripe.Event;
}

async function markProcessed(tx: Queryable, ids: string[], now: Date): Promise<void> {
  await tx.execute(sql`
    update stripe_events
    set status = 'processed', attempts = attempts + 1, processed_at = ${now.toISOString()}::timestamptz,
        next_attempt_at = null, last_error = null, last_error_detail = null
    where id = any(${`{${ids.join(",")}}`}::text[])`);
}

/**
 * Apply one claimed event in a savepoint (with the later events of its object that the same pass
 * covers: the newest of them is applied, which re-reads the object from Stripe); record how it
 * went in the claiming transaction. Should the covering pass fail, the head is tried alone, so
 * a failure is recorded on the event that fails, as without covering.
 */
async function apply(tx: Queryable, stripe: Stripe, row: Claimed, now: Date, covered: Claimed[] = []): Promise<Worked> {
  const attempts = row.attempts + 1;
  try {
    const newest = covered.at(-1);
    let done = [row];
    if (newest) {
      try {
        await tx.transaction((sp) => dispatch({ tx: sp, stripe, now }, payloadOf(newest)));
        done = [row, ...covered];
      } catch {
        await tx.transaction((sp) => dispatch({ tx: sp, stripe, now }, payloadOf(row)));
      }
    } else {
      await tx.transaction((sp) => dispatch({ tx: sp, stripe, now }, payloadOf(row)));
    }
    await markProcessed(
      tx,
      done.map((r) => r.id),
      now,
    );
    return { id: row.id, type: row.type, outcome: "processed", covered: done.length };
  } catch (err) {
    const failure = describeFailure(err);
    const delay = RETRY_DELAYS_MS[attempts - 1];
    await tx
      .update(stripeEvents)
      .set({
        status: "failed",
        attempts,
        lastError:
          delay === undefined
            ? `${failure.message} Gave up after ${attempts} attempts: replay it from the admin console.`
            : failure.message,
        lastErrorDetail: failure.detail,
        nextAttemptAt: delay === undefined ? null : new Date(now.getTime() + delay),
      })
      .where(eq(stripeEvents.id, row.id));
    return { id: row.id, type: row.type, outcome: "failed", error: failure.message };
  }
}

/** Claim and apply the next due event (null when none is due). */
export async function processNextEvent(db: Db, stripe: Stripe, now = new Date()): Promise<Worked | null> {
  return db.transaction(async (tx) => {
    const [row] = await claimHeads(tx, now, 1);
    if (!row) return null;
    return apply(tx, stripe, row, now, (await claimCovered(tx, [row], now)).get(row.id));
  });
}

/** Most objects' queues one batch claims (each head with the run its pass covers). */
export const BATCH_HEADS = 8;
/**
 * A batch starts no further pass after this long: it holds the billing lock of every
 * organization it applied until it commits, so with a slow Stripe (its re-reads) a batch
 * shrinks towards one pass rather than keeping those organizations waiting. The heads it did not
 * reach stay pending for the next claim.
 */
const BATCH_MS = 200;

/** The Stripe customer an event's object belongs to (the order in which a batch takes organizations' billing locks). */
function customerOf(row: Claimed): string {
  const object = (payloadOf(row).data?.object ?? {}) as { object?: string; id?: string; customer?: unknown };
  if (object.object === "customer") return object.id ?? "";
  const customer = object.customer;
  return typeof customer === "string" ? customer : ((customer as { id?: string } | null)?.id ?? "");
}

class BatchFailed extends Error {}

/**
 * Claim up to `maxHeads` objects' due events (each head with the run of its object that one pass
 * covers) and apply them in one transaction, with one statement to claim the heads, one for
 * their runs and one to mark all of them processed: a pass costs the handler's own statements
 * and nothing else. Passes go in the order of their Stripe customer, so that concurrent batches
 * take organizations' billing locks in one order. No savepoints: should any pass fail, the whole
 * batch is rolled back (nothing of it was applied) and its heads are applied one pass per
 * transaction instead (processNextEvent), where a failure is recorded on the event that fails
 * and retried with backoff. Answers one Worked per pass (empty: nothing was due).
 */
export async function processNextEvents(
  db: Db,
  stripe: Stripe,
  now = new Date(),
  { maxHeads = BATCH_HEADS, batchMs = BATCH_MS }: { maxHeads?: number; batchMs?: number } = {},
): Promise<Worked[]> {
  let claimed = 0;
  try {
    return await db.transaction(async (tx) => {
      const heads = await claimHeads(tx, now, maxHeads);
      claimed = heads.length;
      if (heads.length <= 1) {
        const [row] = heads;
        return row ? [await apply(tx, stripe, row, now, (await claimCovered(tx, [row], now)).get(row.id))] : [];
      }
      const runs = await claimCovered(tx, heads, now);
      // The passes share their Stripe reads and what they learn of the database (lib/billing/shared).
      shareWithinTransaction(tx);
      const shared = sharingReads(stripe);
      const ordered = heads
        .map((row) => ({ row, customer: customerOf(row) }))
        .sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0))
        .map((h) => h.row);
      const started = performance.now();
      const worked: Worked[] = [];
      const done: string[] = [];
      for (const row of ordered) {
        if (worked.length > 0 && performance.now() - started > batchMs) break;
        const run = runs.get(row.id) ?? [];
        try {
          await dispatch({ tx, stripe: shared, now }, payloadOf(run.at(-1) ?? row));
        } catch (err) {
          throw new BatchFailed("a pass of the batch failed", { cause: err });
        }
        done.push(row.id, ...run.map((r) => r.id));
        worked.push({ id: row.id, type: row.type, outcome: "processed", covered: run.length + 1 });
      }
      await markProcessed(tx, done, now);
      return worked;
    });
  } catch (err) {
    if (!(err instanceof BatchFailed)) throw err;
    // One pass per transaction, each in a savepoint: the failure lands on the event that fails.
    const worked: Worked[] = [];
    for (let i = 0; i < claimed; i++) {
      const one = await processNextEvent(db, stripe, now);
      if (!one) break;
      worked.push(one);
    }
    return worked;
  }
}

/** Apply one stored event now, whatever its schedule (waits if the worker holds it). */
export async function processEventById(db: Db, stripe: Stripe, id: string, now = new Date()): Promise<Worked> {
  return db.transaction(async (tx) => {
    const row = await claimById(tx, id);
    if (!row) throw new AppError("not_found", `No stored event ${id}.`);
    if (row.status === "processed" || row.status === "ignored")
      return { id, type: row.type, outcome: "duplicate" as const };
    return apply(tx, stripe, row, now);
  });
}

/** `processed`: events applied; `passes`: handler passes that applied them (one pass may cover several events). */
export type DrainReport = { processed: number; failed: number; passes: number; ms: number };

/** How long a loop that gives way to the receiver waits before it looks again. */
const YIELD_MS = 20;

/**
 * The worker's job: apply due events until none is left, the time budget is spent or the
 * runner stops. `concurrency` loops claim in parallel (SKIP LOCKED keeps them apart). While
 * `yieldTo()` answers true (this process's receiver has deliveries in hand), only the first loop
 * works and the others wait: the worker shares the app's thread, and acknowledging Stripe comes
 * first; the backlog is drained at full concurrency once the deliveries calm down.
 */
export async function drainStripeEvents(
  db: Db,
  stripe: Stripe,
  opts: {
    budgetMs?: number;
    max?: number;
    concurrency?: number;
    signal?: AbortSignal;
    now?: () => Date;
    yieldTo?: () => boolean;
  } = {},
): Promise<DrainReport> {
  const started = performance.now();
  const budget = opts.budgetMs ?? 10_000;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const clock = opts.now ?? (() => new Date());
  const report: DrainReport = { processed: 0, failed: 0, passes: 0, ms: 0 };
  let taken = 0;
  let firstDone = false;
  const loop = async (_: unknown, index: number) => {
    while (!opts.signal?.aborted && performance.now() - started < budget && taken < max) {
      if (index > 0 && opts.yieldTo?.()) {
        if (firstDone) return; // nothing was left for the working loop
        await new Promise((r) => setTimeout(r, YIELD_MS));
        continue;
      }
      const want = Math.min(BATCH_HEADS, max - taken);
      taken += want;
      const batch = await processNextEvents(db, stripe, clock(), { maxHeads: want });
      taken -= want - batch.length;
      if (batch.length === 0) return;
      for (const worked of batch) {
        report.passes++;
        if (worked.outcome === "processed") report.processed += worked.covered ?? 1;
        else if (worked.outcome === "failed") report.failed++;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, (_, i) =>
      i === 0 ? loop(_, 0).finally(() => (firstDone = true)) : loop(_, i),
    ),
  );
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * Record a verified event and apply it now (tests and tools; the app's receiver only records,
 * and the worker applies). A failure is recorded as the worker would and rethrown.
 */
export async function processEvent(
  db: Db,
  stripe: Stripe,
  event: Stripe.Event,
  now = new Date(),
): Promise<"processed" | "duplicate" | "ignored"> {
  const recorded = await recordStripeEvent(db, event, now);
  if (recorded === "ignored") return "ignored";
  const worked = await processEventById(db, stripe, event.id, now);
  if (worked.outcome === "failed") throw new Error(worked.error);
  return worked.outcome;
}

/** Process a stored failed or pending event again (admin console). */
export async function replayEvent(db: Db, stripe: Stripe, id: string): Promise<"processed" | "duplicate"> {
  const [row] = await db.select({ status: stripeEvents.status }).from(stripeEvents).where(eq(stripeEvents.id, id));
  if (!row) throw new AppError("not_found", `No stored event ${id}.`);
  if (row.status === "processed" || row.status === "ignored") {
    throw new AppError("conflict", `Event ${id} was already ${row.status}; replaying it would change nothing.`);
  }
  const worked = await processEventById(db, stripe, id);
  if (worked.outcome === "failed") throw new Error(worked.error);
  return worked.outcome;
}

/** Replay every failed event, oldest first. */
export async function replayFailedEvents(
  db: Db,
  stripe: Stripe,
  limit = 100,
): Promise<{ id: string; outcome: "processed" | "duplicate" | "failed"; error?: string }[]> {
  const rows = await db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(and(eq(stripeEvents.status, "failed")))
    .orderBy(stripeEvents.stripeCreated)
    .limit(limit);
  const out: { id: string; outcome: "processed" | "duplicate" | "failed"; error?: string }[] = [];
  for (const { id } of rows) {
    try {
      out.push({ id, outcome: await replayEvent(db, stripe, id) });
    } catch (err) {
      out.push({ id, outcome: "failed", error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
