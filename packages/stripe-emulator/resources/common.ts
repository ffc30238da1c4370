import type { Core } from "../core/core";
import { noSuch } from "../core/errors";
import type { Tables, TableName } from "../core/store";

const KIND_NAMES: Record<TableName, string> = {
  customers: "customer",
  products: "product",
  prices: "price",
  paymentMethods: "PaymentMethod",
  setupIntents: "setupintent",
  subscriptions: "subscription",
  invoices: "invoice",
  invoiceItems: "invoiceitem",
  paymentIntents: "payment_intent",
  charges: "charge",
  invoicePayments: "invoice_payment",
  testClocks: "test_helpers.test_clock",
  taxIds: "tax_id",
};

/**
 * The object or Stripe's "No such …" error: 404 when the id came from the URL, 400 with `param`
 * when it came from a body parameter. Deleted objects count as missing.
 */
export function must<T extends TableName>(core: Core, table: T, id: string, param?: string): Tables[T][string] {
  const obj = core.store.state.deleted[id] ? undefined : core.store.get(table, id);
  if (!obj) throw noSuch(KIND_NAMES[table], id, param);
  return obj;
}

/** Id of an expandable field that we store as a string. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : value.id;
}
