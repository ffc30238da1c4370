import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Queryable } from "@/db/types";
import type { Stripe } from "@/lib/stripe/client";
import { isHandledEventType } from "./handlers";

export type RecordOutcome = "queued" | "ignored" | "duplicate";

function objectIdOf(event: Stripe.Event): string | null {
  const id = (event.data.object as { id?: unknown }).id;
  return typeof id === "string" ? id : null;
}

/** One verified event to store: `rawBody` is the JSON text whose signature was checked. */
type Row = { event: Stripe.Event; at: string; rawBody: string };

/**
 * Store verified events durably, once each, in one statement: an event type we act on as
 * `pending` for the worker (due now), any other type as `ignored` at once, without a worker
 * pass. A redelivery of an event already stored changes nothing. Each raw body is stored as the
 * payload as it is (not serialised again): the rows travel as one JSON array that embeds the
 * bodies verbatim (they are valid JSON, Stripe's SDK parsed them). Answers the ids inserted.
 */
async function insertEvents(db: Queryable, rows: readonly Row[]): Promise<Set<string>> {
  const json = `[${rows
    .map(({ event, at, rawBody }) => {
      const handled = isHandledEventType(event.type);
      const head = JSON.stringify({
        id: event.id,
        type: event.type,
        created: event.created,
        object_id: objectIdOf(event),
        livemode: event.livemode,
        at,
        status: handled ? "pending" : "ignored",
      });
      return `${head.slice(0, -1)},"payload":${rawBody}}`;
    })
    .join(",")}]`;
  const inserted = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into stripe_events
        (id, type, stripe_created, object_id, livemode, payload, received_at, status, attempts, next_attempt_at, processed_at)
      select r.id, r.type, r.created, r.object_id, r.livemode, r.payload, r.at, r.status::stripe_event_status, 0,
        case when r.status = 'pending' then r.at end, case when r.status = 'ignored' then r.at end
      from json_to_recordset(${json}::json) as r(id text, type text, created bigint, object_id text, livemode boolean,
        payload jsonb, at timestamptz, status text)
      on conflict (id) do nothing
      returning id`),
  );
  return new Set(inserted.map((r) => r.id));
}

const outcomeOf = (event: Stripe.Event, inserted: boolean): RecordOutcome =>
  !inserted ? "duplicate" : isHandledEventType(event.type) ? "queued" : "ignored";

/**
 * Store one verified event durably, once (see insertEvents). `rawBody`, the bytes whose
 * signature was checked, is stored as the payload; without it the event is serialised.
 */
export async function recordStripeEvent(
  db: Queryable,
  event: Stripe.Event,
  now = new Date(),
  rawBody?: string,
): Promise<RecordOutcome> {
  const ids = await insertEvents(db, [{ event, at: now.toISOString(), rawBody: rawBody ?? JSON.stringify(event) }]);
  return outcomeOf(event, ids.has(event.id));
}

/** Most events, and bytes of payload, that one statement of the group commit writes. */
const MAX_GROUP_EVENTS = 500;
const MAX_GROUP_BYTES = 4_000_000;

type Pending = Row & { resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void };
type Queue = { pending: Pending[]; flushing: boolean };

/** Per database handle. */
const queues = new WeakMap<object, Queue>();

/** Counters for tests and benches: statements written and events in them. */
export const recordGroupStats = { groups: 0, events: 0, largest: 0 };

/**
 * The receiver's store, with group commit: deliveries that arrive while one statement is being
 * written wait, and the next statement writes them all together (one round trip and one commit
 * for the lot). Each is answered only after the statement holding its event has committed, with
 * its own outcome; two deliveries of one event in a group store it once (the second is a
 * duplicate). Should a group's statement fail, its events are written one by one, so an event
 * the database refuses fails alone.
 */
export function recordStripeEventGrouped(
  db: Queryable,
  event: Stripe.Event,
  rawBody: string,
  now = new Date(),
): Promise<RecordOutcome> {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { pending: [], flushing: false }));
  const q = queue;
  const answer = new Promise<RecordOutcome>((resolve, reject) =>
    q.pending.push({ event, rawBody, at: now.toISOString(), resolve, reject }),
  );
  if (!q.flushing) void flush(db, q);
  return answer;
}

async function flush(db: Queryable, queue: Queue): Promise<void> {
  queue.flushing = true;
  try {
    while (queue.pending.length > 0) {
      let bytes = 0;
      let n = 0;
      while (
        n < queue.pending.length &&
        n < MAX_GROUP_EVENTS &&
        (n === 0 || bytes + queue.pending[n]!.rawBody.length <= MAX_GROUP_BYTES)
      )
        bytes += queue.pending[n++]!.rawBody.length;
      const group = queue.pending.splice(0, n);
      recordGroupStats.groups++;
      recordGroupStats.events += group.length;
      recordGroupStats.largest = Math.max(recordGroupStats.largest, group.length);
      await writeGroup(db, group);
    }
  } finally {
    queue.flushing = false;
  }
}

async function writeGroup(db: Queryable, group: Pending[]): Promise<void> {
  // One row per event id; a later delivery of it in the same group is a duplicate of the first,
  // answered as that one is (stored: duplicate; failed: the same failure).
  const byId = new Map<string, Pending[]>();
  for (const p of group) {
    const same = byId.get(p.event.id);
    if (same) same.push(p);
    else byId.set(p.event.id, [p]);
  }
  const settle = (p: Pending, result: { outcome: RecordOutcome } | { error: unknown }) => {
    for (const q of byId.get(p.event.id)!) {
      if ("error" in result) q.reject(result.error);
      else q.resolve(q === p ? result.outcome : "duplicate");
    }
  };
  const rows = [...byId.values()].map((same) => same[0]!);
  try {
    const inserted = await insertEvents(db, rows);
    for (const p of rows) settle(p, { outcome: outcomeOf(p.event, inserted.has(p.event.id)) });
  } catch (err) {
    if (rows.length === 1) return settle(rows[0]!, { error: err });
    // One event the database refuses must not fail the others: each on its own.
    await Promise.all(
      rows.map((p) =>
        recordStripeEvent(db, p.event, new Date(p.at), p.rawBody).then(
          (outcome) => settle(p, { outcome }),
          (error: unknown) => settle(p, { error }),
        ),
      ),
    );
  }
}
