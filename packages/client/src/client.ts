import { AgentBillApiError, apiError, NetworkError } from "./errors";
import { fetchTransport, nodeTransport, type FetchLike, type Transport } from "./transport";
import type { Flags, IngestResult, LimitCheck, Metric, Reservation, ReserveInput, Usage, UsageEvent } from "./types";

export type ClientOptions = {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** An organization's API key, agb_… */
  apiKey: string;
  /** Attempts per call, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff in ms, doubled each retry with full jitter (default 100; at most 5,000). */
  backoffMs?: number;
  /** Per attempt (default 10,000 ms). */
  timeoutMs?: number;
  /**
   * A fetch of your own (tests, proxies, or the global `fetch`). Without it the client speaks
   * `node:http`/`node:https` over keep-alive connections (./transport.ts).
   */
  fetch?: FetchLike;
  /** Makes idempotency keys (default: crypto.randomUUID). */
  newKey?: () => string;
};

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The AgentBill platform API. Every call is safe to retry: writes carry idempotency keys made
 * once per call (so a retry after a lost answer is a replay, never a second write), and network
 * errors, 429 and 5xx are retried with exponential backoff and jitter. Errors are typed
 * (`ValidationError`, `AuthenticationError`, `IdempotencyConflictError`, … in ./errors).
 */
export class AgentBillClient {
  private readonly opts: Required<Omit<ClientOptions, "fetch">>;
  private readonly send: Transport;

  constructor(options: ClientOptions) {
    this.opts = {
      maxAttempts: 4,
      backoffMs: 100,
      timeoutMs: 10_000,
      newKey: () => crypto.randomUUID(),
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
    };
    this.send = options.fetch ? fetchTransport(options.fetch) : nodeTransport();
  }

  /** May the organization use `amount` more of `metric`? (Counts active reservations.) */
  checkLimit(metric: Metric, amount = 1): Promise<LimitCheck> {
    return this.request("POST", "/api/v1/limits/check", { metric, amount });
  }

  /** Hold `amount` for a run. `allowed: false` is an answer, not an error. */
  reserve(input: ReserveInput): Promise<Reservation> {
    return this.request("POST", "/api/v1/reservations", {
      ...input,
      idempotency_key: input.idempotency_key ?? this.opts.newKey(),
    });
  }

  getReservation(id: string): Promise<Reservation> {
    return this.request("GET", `/api/v1/reservations/${encodeURIComponent(id)}`);
  }

  /** Record what the run used (at most the amount held); exactly once, however often it is retried. */
  commit(id: string, quantity: number): Promise<Reservation> {
    return this.request("POST", `/api/v1/reservations/${encodeURIComponent(id)}/commit`, { quantity });
  }

  release(id: string): Promise<Reservation> {
    return this.request("POST", `/api/v1/reservations/${encodeURIComponent(id)}/release`, {});
  }

  /** Report 1 to 1,000 events; each gets a key (and a time) if it has none. */
  ingest(events: UsageEvent[]): Promise<IngestResult> {
    const now = new Date().toISOString();
    return this.request("POST", "/api/v1/usage/events", {
      events: events.map((e) => ({
        ...e,
        idempotency_key: e.idempotency_key ?? this.opts.newKey(),
        occurred_at: e.occurred_at ?? now,
      })),
    });
  }

  /** Usage this period per metric, and one point per UTC day in [from, to]. */
  usage(range: { from?: string; to?: string } = {}): Promise<Usage> {
    const q = new URLSearchParams(Object.entries(range).filter(([, v]) => v) as [string, string][]).toString();
    return this.request("GET", `/api/v1/usage${q ? `?${q}` : ""}`);
  }

  flags(): Promise<Flags> {
    return this.request("GET", "/api/v1/flags");
  }

  private async request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { maxAttempts, backoffMs, timeoutMs } = this.opts;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.random() * Math.min(5_000, backoffMs * 2 ** (attempt - 2)));
      let res: Awaited<ReturnType<Transport>>;
      try {
        res = await this.send(`${this.opts.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.opts.apiKey}`,
            accept: "application/json",
            ...(payload === undefined ? {} : { "content-type": "application/json" }),
          },
          body: payload,
          timeoutMs,
        });
      } catch (err) {
        lastError = new NetworkError(`${method} ${path}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
        continue;
      }
      const text = await res.text().catch(() => "");
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (res.status >= 200 && res.status < 300) return parsed as T;
      lastError = apiError(res.status, parsed);
      if (!RETRY_STATUS.has(res.status)) throw lastError;
    }
    throw lastError instanceof AgentBillApiError || lastError instanceof NetworkError
      ? lastError
      : new NetworkError(`${method} ${path} failed`, { cause: lastError });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
