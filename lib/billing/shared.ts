import "server-only";
import type { Queryable } from "@/db/types";

/**
 * What one transaction that applies several webhook passes (the worker's batch) learns once and
 * uses for all of them: the organizations' billing locks it already holds (a transaction-level
 * advisory lock is held until it ends, so taking it again changes nothing), which organization a
 * Stripe customer is (a link is made once and never replaced, so only found ones are kept), and
 * which plan a Stripe price stands for (the catalog). Only for a transaction the caller marked
 * with `shareWithinTransaction`; anything else reads as before.
 */
export type SharedWithinTransaction = {
  locked: Set<string>;
  organizations: Map<string, string>;
  plans: Map<string, unknown>;
};

const scopes = new WeakMap<object, SharedWithinTransaction>();

/** Mark `tx` (an open transaction, no savepoints in it) as one whose passes share what they learn. */
export function shareWithinTransaction(tx: Queryable): void {
  scopes.set(tx, { locked: new Set(), organizations: new Map(), plans: new Map() });
}

export function sharedWithin(db: Queryable): SharedWithinTransaction | undefined {
  return scopes.get(db);
}
