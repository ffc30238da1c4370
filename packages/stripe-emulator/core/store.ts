import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import type {
  WCharge,
  WCustomer,
  WEvent,
  WInvoice,
  WInvoiceItem,
  WInvoicePayment,
  WPaymentIntent,
  WPaymentMethod,
  WPrice,
  WProduct,
  WSetupIntent,
  WSubscription,
  WTaxId,
  WTestClock,
} from "./wire";

/** Every stored Stripe object, by table. Objects are kept in wire (JSON) form with ids for links. */
export interface Tables {
  customers: Record<string, WCustomer>;
  products: Record<string, WProduct>;
  prices: Record<string, WPrice>;
  paymentMethods: Record<string, WPaymentMethod>;
  setupIntents: Record<string, WSetupIntent>;
  subscriptions: Record<string, WSubscription>;
  invoices: Record<string, WInvoice>;
  invoiceItems: Record<string, WInvoiceItem>;
  paymentIntents: Record<string, WPaymentIntent>;
  charges: Record<string, WCharge>;
  invoicePayments: Record<string, WInvoicePayment>;
  testClocks: Record<string, WTestClock>;
  taxIds: Record<string, WTaxId>;
}

export type TableName = keyof Tables;

export interface State extends Tables {
  /** Ids of deleted customers, products and clocks (retrieve answers `{deleted: true}`). */
  deleted: Record<string, true>;
  /** Which test card a payment method stands for (see billing/cards.ts). */
  cardKinds: Record<string, string>;
  /** One-off notices already sent (e.g. `sub_…:trial_will_end:<trial_end>`). */
  notices: Record<string, true>;
  /** Insertion order, to sort objects created in the same second. */
  order: Record<string, number>;
  seq: number;
}

export interface PersistedData {
  version: 1;
  state: State;
  events: WEvent[];
}

export function emptyState(): State {
  return {
    customers: {},
    products: {},
    prices: {},
    paymentMethods: {},
    setupIntents: {},
    subscriptions: {},
    invoices: {},
    invoiceItems: {},
    paymentIntents: {},
    charges: {},
    invoicePayments: {},
    testClocks: {},
    taxIds: {},
    deleted: {},
    cardKinds: {},
    notices: {},
    order: {},
    seq: 0,
  };
}

export class Store {
  state: State = emptyState();

  insert<T extends TableName>(table: T, obj: Tables[T][string]): Tables[T][string] {
    const rows = this.state[table] as Record<string, Tables[T][string]>;
    rows[obj.id] = obj;
    this.state.order[obj.id] = ++this.state.seq;
    return obj;
  }

  get<T extends TableName>(table: T, id: string | null | undefined): Tables[T][string] | undefined {
    if (!id) return undefined;
    return (this.state[table] as Record<string, Tables[T][string]>)[id];
  }

  all<T extends TableName>(table: T): Array<Tables[T][string]> {
    return Object.values(this.state[table] as Record<string, Tables[T][string]>);
  }

  remove(table: TableName, id: string): void {
    delete (this.state[table] as Record<string, unknown>)[id];
  }

  orderOf(id: string): number {
    return this.state.order[id] ?? 0;
  }

  snapshot(): State {
    return structuredClone(this.state);
  }

  restore(snapshot: State): void {
    this.state = snapshot;
  }
}

/** Debounced JSON persistence (write to a temp file, then rename). */
export class Persistence {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly collect: () => PersistedData,
    private readonly log: (msg: string) => void,
    private readonly delayMs = 50,
  ) {}

  load(): PersistedData | null {
    if (!existsSync(this.file)) return null;
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as PersistedData;
      if (data.version !== 1) throw new Error(`unsupported version ${String(data.version)}`);
      return { version: 1, state: { ...emptyState(), ...data.state }, events: data.events ?? [] };
    } catch (err) {
      this.log(`could not read ${this.file} (${(err as Error).message}); starting empty`);
      return null;
    }
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.collect()));
    renameSync(tmp, this.file);
  }
}
