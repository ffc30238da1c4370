import "server-only";

/**
 * Sign-in throttling: after `max` failures for one email (or one client address) within the
 * window, further attempts are refused until the window passes. In memory, per server
 * instance: it slows guessing on each instance; a shared store would make it global.
 */
const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 8;
const failures = new Map<string, number[]>();

function recent(key: string, now: number): number[] {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) failures.delete(key);
  else failures.set(key, list);
  return list;
}

/** Minutes to wait, or 0 when an attempt may go ahead. */
export function signInBlockedFor(keys: string[], now = Date.now()): number {
  let wait = 0;
  for (const key of keys) {
    const list = recent(key, now);
    if (list.length >= MAX_FAILURES) wait = Math.max(wait, Math.ceil((WINDOW_MS - (now - list[0]!)) / 60_000));
  }
  return wait;
}

export function recordSignInFailure(keys: string[], now = Date.now()): void {
  for (const key of keys) failures.set(key, [...recent(key, now), now]);
  if (failures.size > 50_000) failures.clear(); // bounded memory under a flood
}

export function clearSignInFailures(keys: string[]): void {
  for (const key of keys) failures.delete(key);
}
