/**
 * Idempotent replay, Stripe style: the first response to a key is stored and replayed
 * byte-for-byte for the same request; a different request with the same key is an
 * `idempotency_error`. Requests with the same key are serialized by a per-key lock.
 */

export interface SavedResponse {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class IdempotencyStore {
  private readonly saved = new Map<string, SavedResponse>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string): SavedResponse | undefined {
    return this.saved.get(key);
  }

  set(key: string, response: SavedResponse): void {
    this.saved.set(key, response);
    if (this.saved.size > this.maxEntries) {
      const oldest = this.saved.keys().next().value;
      if (oldest !== undefined) this.saved.delete(oldest);
    }
  }

  /** Runs `fn` once every earlier holder of `key` has finished. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    this.locks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    }
  }
}
