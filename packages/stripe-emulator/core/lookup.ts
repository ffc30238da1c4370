import type { Store, TableName } from "./store";

const TABLE_BY_PREFIX: Record<string, TableName> = {
  cus: "customers",
  prod: "products",
  price: "prices",
  pm: "paymentMethods",
  seti: "setupIntents",
  sub: "subscriptions",
  in: "invoices",
  ii: "invoiceItems",
  pi: "paymentIntents",
  ch: "charges",
  inpay: "invoicePayments",
  clock: "testClocks",
};

export function tableForId(id: string): TableName | undefined {
  const prefix = id.slice(0, id.indexOf("_"));
  return TABLE_BY_PREFIX[prefix];
}

const OBJECT_NAME: Partial<Record<TableName, string>> = {
  customers: "customer",
  products: "product",
  testClocks: "test_helpers.test_clock",
};

/** Any stored object by id (deleted ones as Stripe's `{id, object, deleted: true}` stub). */
export function findById(store: Store, id: string): unknown {
  const table = tableForId(id);
  if (table) {
    if (store.state.deleted[id]) return { id, object: OBJECT_NAME[table] ?? "unknown", deleted: true };
    return store.get(table, id);
  }
  if (id.startsWith("si_")) {
    for (const sub of store.all("subscriptions")) {
      const item = sub.items.data.find((i) => i.id === id);
      if (item) return item;
    }
  }
  return undefined;
}
