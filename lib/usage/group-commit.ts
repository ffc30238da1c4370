import "server-only";
import type { Queryable } from "@/db/types";
import { idempotencyConflict, writeBatch, writeEvents, type IngestResult } from "./ingest";
import { MAX_BATCH, parseUsageBatch, type UsageEventInput } from "./validate";
import { currentDate } from "@/lib/engine-date";

/**
 * Group commit for single-event ingest: many clients send one event per request. A request is
 * validated on its own (a bad event is its own 400), then queued per organization; while one
 * transaction of that organization's queue is being written, the requests that arrive wait,
 * and the next transaction writes them all together (up to 1,000). Each request is answered
 * only after the transaction holding its event has committed, with its own outcome: accepted,
 * duplicate, or 409 `idempotency_conflict` (nothing written for it). If the transaction fails,
 * every request in it fails and none of their events is written. Batches (2+ events) are not
 * grouped: they already are one transaction.
 */

type Pending = {
  event: UsageEventInput;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
};

type Queue = { pending: Pending[]; flushing: boolean };

/** Per database handle and organization. */
const queues = new WeakMap<object, Map<string, Queue>>();

/** Counters for tests and benches: transactions written and events in them. */
export const groupCommitStats = { groups: 0, events: 0, largest: 0 };

/**
 * Not `async`: the answer is the queue's own promise, not one wrapped around it (a promise and a
 * job fewer per event on the hot path); a bad body is still a rejection, never a throw.
 */
export function ingestGrouped(
  db: Queryable,
  organizationId: string,
  body: unknown,
  opts: { now?: Date } = {},
): Promise<IngestResult> {
  const now = opts.now ?? currentDate();
  let events: UsageEventInput[];
  try {
    events = parseUsageBatch(body, now);
  } catch (err) {
    return Promise.reject(err);
  }
  // A batch is parsed once, here.
  if (events.length !== 1) return writeBatch(db, organizationId, events, now);
  let byOrg = queues.get(db);
  if (!byOrg) queues.set(db, (byOrg = new Map()));
  let queue = byOrg.get(organizationId);
  if (!queue) byOrg.set(organizationId, (queue = { pending: [], flushing: false }));
  const answer = new Promise<IngestResult>((resolve, reject) =>
    queue.pending.push({ event: events[0]!, resolve, reject }),
  );
  if (!queue.flushing) void flush(db, organizationId, queue, byOrg);
  return answer;
}

async function flush(db: Queryable, organizationId: string, queue: Queue, byOrg: Map<string, Queue>): Promise<void> {
  queue.flushing = true;
  try {
    while (queue.pending.length > 0) {
      // One event per key in a transaction; a second request with the same key waits for the next
      // one, where it is a duplicate (same content) or a conflict (other content).
      const group: Pending[] = [];
      const later: Pending[] = [];
      const keys = new Set<string>();
      for (const p of queue.pending) {
        if (group.length < MAX_BATCH && !keys.has(p.event.key)) {
          group.push(p);
          keys.add(p.event.key);
        } else later.push(p);
      }
      queue.pending = later;
      groupCommitStats.groups++;
      groupCommitStats.events += group.length;
      groupCommitStats.largest = Math.max(groupCommitStats.largest, group.length);
      try {
        const outcome = await writeEvents(
          db,
          organizationId,
          group.map((p) => p.event),
          { now: currentDate(), conflicts: "report" },
        );
        for (const p of group) {
          if (outcome.conflicts.has(p.event.key)) p.reject(idempotencyConflict([p.event.key]));
          else if (outcome.inserted.has(p.event.key)) p.resolve({ accepted: 1, duplicates: 0 });
          else p.resolve({ accepted: 0, duplicates: 1 });
        }
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    }
  } finally {
    queue.flushing = false;
    if (queue.pending.length === 0) byOrg.delete(organizationId);
  }
}
