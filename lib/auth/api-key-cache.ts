import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/types";

/**
 * The API-key lookup of the platform API, cached in memory per database handle: the hot path
 * (a limit check, a reservation) then costs no query to know its caller.
 *
 * Invalidation is immediate and crosses instances: whatever revokes a key or suspends or
 * reactivates an organization calls `announceApiKeyChange(tx)` inside its transaction, which
 * sends `NOTIFY agentbill_api_keys` (delivered when the transaction commits) to every instance
 * listening on the same database (`listenForApiKeyChanges`, started at server start-up), and
 * `forgetApiKeys(db)` after the commit for this process at once. A lookup that was in flight when
 * the cache was cleared is not stored (generation counter), so a stale answer cannot come back.
 * Entries also expire after `API_KEY_CACHE_TTL_MS`, a safety net for changes made by hand in SQL.
 *
 * State lives on globalThis: Next's bundle and the custom server's bundle are separate module
 * copies in one process, and a revoke done by a Next server action must clear what the API's
 * copy cached.
 */

export const API_KEY_CHANNEL = "agentbill_api_keys";
export const API_KEY_CACHE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export type CachedKey<T> = { value: T; storedAt: number };

class KeyCache<T> {
  generation = 0;
  readonly entries = new Map<string, CachedKey<T>>();
  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const g = globalThis as unknown as { __apiKeyCaches?: WeakMap<object, KeyCache<unknown>> };

function cacheOf<T>(db: object): KeyCache<T> {
  g.__apiKeyCaches ??= new WeakMap();
  let cache = g.__apiKeyCaches.get(db) as KeyCache<T> | undefined;
  if (!cache) {
    cache = new KeyCache<T>();
    g.__apiKeyCaches.set(db, cache as KeyCache<unknown>);
  }
  return cache;
}

/** The cached value for this key hash, or `load()`'s (stored unless the cache was cleared meanwhile). */
export async function cachedLookup<T>(
  db: object,
  hash: string,
  load: () => Promise<T | null>,
  now = Date.now(),
): Promise<T | null> {
  const cache = cacheOf<T>(db);
  const hit = cache.entries.get(hash);
  if (hit && now - hit.storedAt < API_KEY_CACHE_TTL_MS) return hit.value;
  const generation = cache.generation;
  const value = await load();
  if (value !== null && cache.generation === generation) {
    if (cache.entries.size >= MAX_ENTRIES) cache.entries.clear();
    cache.entries.set(hash, { value, storedAt: now });
  }
  return value;
}

/**
 * The cached value for this key hash when there is a fresh one, without waiting (the hot path's
 * hit: no promise); undefined means "not known here": ask `cachedLookup`.
 */
export function peekCached<T>(db: object, hash: string, now = Date.now()): T | undefined {
  const hit = cacheOf<T>(db).entries.get(hash);
  return hit && now - hit.storedAt < API_KEY_CACHE_TTL_MS ? hit.value : undefined;
}

/** Update a cached entry in place (e.g. when `last_used_at` was written). */
export function touchCached<T>(db: object, hash: string, update: (value: T) => T): void {
  const hit = cacheOf<T>(db).entries.get(hash);
  if (hit) hit.value = update(hit.value);
}

/** Forget every cached key of this database handle (this process). */
export function forgetApiKeys(db: object): void {
  cacheOf(db).clear();
}

/** Inside the transaction that changes a key or an organization's status: tell every instance at commit. */
export async function announceApiKeyChange(tx: Queryable): Promise<void> {
  await tx.execute(sql`select pg_notify(${API_KEY_CHANNEL}, '')`);
}

/** What a database handle needs to listen (db/connect's Database). */
export type Listener = {
  db: object;
  listen(channel: string, onMessage: () => void, onListen?: () => void): Promise<() => Promise<void>>;
};

const listening = globalThis as unknown as { __apiKeyListeners?: WeakMap<object, Promise<() => Promise<void>>> };

/**
 * Clear this handle's cache whenever any instance announces a change, and whenever the listening
 * connection (re)connects (a notification may have been missed while it was down). Once per handle.
 */
export function listenForApiKeyChanges(database: Listener): Promise<() => Promise<void>> {
  listening.__apiKeyListeners ??= new WeakMap();
  let running = listening.__apiKeyListeners.get(database.db);
  if (!running) {
    const clear = () => forgetApiKeys(database.db);
    running = database.listen(API_KEY_CHANNEL, clear, clear);
    listening.__apiKeyListeners.set(database.db, running);
  }
  return running;
}
