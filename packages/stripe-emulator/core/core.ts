import { StripeApiError } from "./errors";
import { newId } from "./ids";
import { render } from "./render";
import { Store, type State } from "./store";
import { DEFAULT_API_VERSION, type JsonObject, type WEvent } from "./wire";
import { EventLog } from "../events/log";

export interface RequestInfo {
  requestId: string | null;
  idempotencyKey: string | null;
  apiVersion: string;
}

interface Tx {
  info: RequestInfo;
  events: WEvent[];
  backup: State | null;
  /** Sandboxed work (invoice previews) is always rolled back and emits nothing. */
  sandbox: boolean;
  /** Test payment method ids (`pm_card_visa`) already materialised in this request. */
  magic: Map<string, string>;
}

export interface CoreHooks {
  /** Called after a transaction commits, with the events it produced. */
  onCommit(events: WEvent[], mutated: boolean): void;
  hasWebhookUrl(): boolean;
}

export const realNow = (): number => Math.floor(Date.now() / 1000);

/**
 * Shared state and the transaction/event machinery. Every API call runs synchronously inside
 * `transaction()`: on an error the state is restored (unless the error says Stripe keeps the
 * failed attempt) and the events are dropped; on success the events are logged and delivered.
 */
export class Core {
  readonly store = new Store();
  readonly events = new EventLog();
  baseUrl = "http://127.0.0.1";
  private tx: Tx | null = null;

  constructor(private readonly hooks: CoreHooks) {}

  transaction<T>(info: RequestInfo, mutating: boolean, fn: () => T): T {
    if (this.tx) return fn();
    const tx: Tx = {
      info,
      events: [],
      backup: mutating ? this.store.snapshot() : null,
      sandbox: false,
      magic: new Map(),
    };
    this.tx = tx;
    try {
      const result = fn();
      this.commit(tx);
      return result;
    } catch (err) {
      if (err instanceof StripeApiError && err.commit) this.commit(tx);
      else if (tx.backup) this.store.restore(tx.backup);
      throw err;
    } finally {
      this.tx = null;
    }
  }

  /** Runs `fn` against a throw-away copy of the state; returns a deep copy of its result. */
  sandbox<T>(fn: () => T): T {
    const outer = this.tx;
    const backup = this.store.snapshot();
    this.tx = {
      info: outer?.info ?? { requestId: null, idempotencyKey: null, apiVersion: DEFAULT_API_VERSION },
      events: [],
      backup,
      sandbox: true,
      magic: new Map(),
    };
    try {
      return structuredClone(fn());
    } finally {
      this.store.restore(backup);
      this.tx = outer;
    }
  }

  /** Events raised inside `fn` are Stripe-initiated (clock processing): `request.id` is null. */
  automatic<T>(fn: () => T): T {
    const tx = this.tx;
    if (!tx) return fn();
    const saved = tx.info;
    tx.info = { requestId: null, idempotencyKey: null, apiVersion: saved.apiVersion };
    try {
      return fn();
    } finally {
      tx.info = saved;
    }
  }

  get inSandbox(): boolean {
    return this.tx?.sandbox ?? false;
  }

  magicCache(): Map<string, string> {
    return this.tx?.magic ?? new Map();
  }

  private commit(tx: Tx): void {
    for (const e of tx.events) this.events.append(e);
    this.hooks.onCommit(tx.events, tx.backup !== null);
  }

  // ---- time ----------------------------------------------------------------------------

  clockTime(clockId: string | null | undefined): number | undefined {
    return clockId ? this.store.get("testClocks", clockId)?.frozen_time : undefined;
  }

  clockOfCustomer(customerId: string | null | undefined): string | null {
    const clock = this.store.get("customers", customerId)?.test_clock;
    return typeof clock === "string" ? clock : null;
  }

  /** "Now" for a customer: its test clock's frozen time, or the real time. */
  now(customerId?: string | null): number {
    return this.clockTime(this.clockOfCustomer(customerId)) ?? realNow();
  }

  // ---- events ---------------------------------------------------------------------------

  /** A rendered deep copy of an object, for `previous_attributes` diffs. */
  snap<T>(obj: T): T {
    return render(this.store, obj);
  }

  /** Position in the current request's event list, for `emit(..., { at })`. */
  eventMark(): number {
    return this.tx?.events.length ?? 0;
  }

  /**
   * Records an event with a snapshot of `obj` as it is now. `at` (from `eventMark()`) places it
   * before events raised later in the request, e.g. `customer.subscription.created` before the
   * first invoice's events while still showing the subscription's final state.
   */
  emit(type: string, obj: unknown, previousAttributes?: Record<string, unknown>, at?: number): void {
    const tx = this.tx;
    if (!tx) throw new Error(`event ${type} emitted outside a transaction`);
    if (tx.sandbox) return;
    const data: WEvent["data"] = { object: render(this.store, obj) };
    if (previousAttributes) data.previous_attributes = previousAttributes;
    tx.events.splice(at ?? tx.events.length, 0, {
      id: newId("evt"),
      object: "event",
      api_version: tx.info.apiVersion,
      created: this.eventTime(obj as JsonObject),
      data,
      livemode: false,
      pending_webhooks: this.hooks.hasWebhookUrl() ? 1 : 0,
      request: { id: tx.info.requestId, idempotency_key: tx.info.idempotencyKey },
      type: type as WEvent["type"],
    });
  }

  /** Emits `type` with `previous_attributes` = the top-level fields that changed since `before`. */
  emitUpdated(type: string, obj: unknown, before: unknown, at?: number): void {
    const after = render(this.store, obj) as JsonObject;
    const prev: Record<string, unknown> = {};
    const old = before as JsonObject;
    for (const key of new Set([...Object.keys(old), ...Object.keys(after)])) {
      if (JSON.stringify(old[key]) !== JSON.stringify(after[key])) prev[key] = old[key] ?? null;
    }
    if (Object.keys(prev).length > 0) this.emit(type, obj, prev, at);
  }

  private eventTime(obj: JsonObject): number {
    if (obj.object === "test_helpers.test_clock") return realNow();
    const customer = obj.object === "customer" ? obj.id : obj.customer;
    return this.now(typeof customer === "string" ? customer : null);
  }
}
