import { createHmac } from "node:crypto";
import type { WEvent } from "../core/wire";

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];
const DELIVERY_TIMEOUT_MS = 10_000;

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed by the whole secret string>`. */
export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

interface Delivery {
  event: WEvent;
  /** Exact bytes to send: fixed at enqueue time so retries resend the same payload. */
  payload: string;
  attempts: number;
}

export interface WebhookOptions {
  secret: string;
  url: () => string | undefined;
  retryDelaysMs: number[];
  log: (msg: string) => void;
  onDelivered: (eventId: string) => void;
}

/**
 * Delivers events in creation order, one at a time. A failed delivery (non-2xx or network error)
 * does not block the queue: it is re-queued after the next back-off delay, and dropped once the
 * delays are used up.
 */
export class WebhookQueue {
  private queue: Delivery[] = [];
  private inFlight = false;
  private timers = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly opts: WebhookOptions) {}

  enqueue(event: WEvent): void {
    if (this.stopped) return;
    this.queue.push({ event, payload: JSON.stringify(event, null, 2), attempts: 0 });
    this.pump();
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
    this.notifyIdle(true);
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && !this.inFlight && this.timers.size === 0;
  }

  private notifyIdle(force = false): void {
    if (!force && !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private pump(): void {
    if (this.inFlight || this.stopped) return;
    const next = this.queue.shift();
    if (!next) {
      this.notifyIdle();
      return;
    }
    this.inFlight = true;
    void this.deliver(next).finally(() => {
      this.inFlight = false;
      this.pump();
    });
  }

  private async deliver(d: Delivery): Promise<void> {
    const url = this.opts.url();
    if (!url) {
      this.opts.log(`webhook ${d.event.type} (${d.event.id}) not delivered: no webhook URL set`);
      return;
    }
    d.attempts++;
    let failure: string | null = null;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "Stripe-Signature": signPayload(d.payload, this.opts.secret),
        },
        body: d.payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = (err as Error).message;
    }
    if (this.stopped) return;
    if (failure === null) {
      this.opts.onDelivered(d.event.id);
      return;
    }
    const delay = this.opts.retryDelaysMs[d.attempts - 1];
    if (delay === undefined) {
      this.opts.log(
        `webhook ${d.event.type} (${d.event.id}) failed (${failure}); giving up after ${d.attempts} attempts`,
      );
      return;
    }
    this.opts.log(`webhook ${d.event.type} (${d.event.id}) failed (${failure}); retrying in ${delay} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      this.queue.push(d);
      this.pump();
    }, delay);
    this.timers.add(timer);
  }
}
