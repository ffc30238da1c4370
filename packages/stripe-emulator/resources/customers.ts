import type { Core } from "../core/core";
import { invalidParam, noSuch } from "../core/errors";
import { invoicePrefix, newId } from "../core/ids";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import type { WCustomer } from "../core/wire";
import type { Router } from "../http/router";
import { cancelSubscriptionNow } from "../billing/subscription-cancel";
import { must } from "./common";
import { attachPaymentMethod, requireCustomerPaymentMethod, resolvePaymentMethod } from "./payment-methods";
import { searchResult } from "./search";

function readAddress(p: Params | undefined): WCustomer["address"] {
  if (!p) return null;
  return {
    city: p.text("city") ?? null,
    country: p.text("country") ?? null,
    line1: p.text("line1") ?? null,
    line2: p.text("line2") ?? null,
    postal_code: p.text("postal_code") ?? null,
    state: p.text("state") ?? null,
  };
}

/** Fields shared by create and update. */
function applyCommonFields(core: Core, customer: WCustomer, p: Params): void {
  for (const key of ["name", "email", "description", "phone"] as const) {
    if (p.has(key)) customer[key] = p.text(key) ?? null;
  }
  if (p.has("address")) customer.address = readAddress(p.obj("address"));
  if (p.has("preferred_locales")) customer.preferred_locales = p.strList("preferred_locales");
  if (p.has("balance")) customer.balance = p.int("balance") ?? 0;
  if (p.has("invoice_prefix")) {
    const prefix = p.reqStr("invoice_prefix");
    if (!/^[A-Z0-9]{3,12}$/.test(prefix))
      throw invalidParam("invoice_prefix", "Invalid invoice_prefix: must be 3–12 uppercase letters or numbers.");
    customer.invoice_prefix = prefix;
  }
  customer.metadata = p.metadata(customer.metadata);
  const paymentMethod = p.text("payment_method");
  if (paymentMethod)
    attachPaymentMethod(core, resolvePaymentMethod(core, paymentMethod, "payment_method"), customer.id);
  const settings = p.obj("invoice_settings");
  if (settings?.has("default_payment_method")) {
    const pmId = settings.text("default_payment_method");
    customer.invoice_settings.default_payment_method = pmId
      ? requireCustomerPaymentMethod(core, customer.id, pmId, "invoice_settings[default_payment_method]").id
      : null;
  }
  if (settings?.has("footer")) customer.invoice_settings.footer = settings.text("footer") ?? null;
}

function createCustomer(core: Core, p: Params): WCustomer {
  const clockId = p.text("test_clock");
  if (clockId) must(core, "testClocks", clockId, "test_clock");
  const customer: WCustomer = {
    id: newId("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: core.clockTime(clockId) ?? core.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: invoicePrefix(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: clockId ?? null,
  };
  core.store.insert("customers", customer);
  const mark = core.eventMark();
  applyCommonFields(core, customer, p);
  // customer.created comes first (with the final object); payment_method.attached follows it.
  core.emit("customer.created", customer, undefined, mark);
  return customer;
}

export function registerCustomers(router: Router): void {
  router
    .post("/v1/customers", ({ core, params }) => createCustomer(core, params))
    .get("/v1/customers/search", ({ core, params: p }) => {
      const rows = core.store.all("customers").filter((c) => !core.store.state.deleted[c.id]);
      return searchResult(core, rows, p, "/v1/customers/search");
    })
    .get("/v1/customers/:id", ({ core, ids }) => {
      const id = ids.id ?? "";
      if (core.store.state.deleted[id]) return { id, object: "customer", deleted: true };
      return must(core, "customers", id);
    })
    .post("/v1/customers/:id", ({ core, ids, params: p }) => {
      const customer = must(core, "customers", ids.id ?? "");
      const before = core.snap(customer);
      applyCommonFields(core, customer, p);
      core.emitUpdated("customer.updated", customer, before);
      return customer;
    })
    .del("/v1/customers/:id", ({ core, ids }) => {
      const id = ids.id ?? "";
      if (core.store.state.deleted[id]) throw noSuch("customer", id);
      const customer = must(core, "customers", id);
      for (const sub of core.store.all("subscriptions")) {
        if (sub.customer === id && !["canceled", "incomplete_expired"].includes(sub.status))
          cancelSubscriptionNow(core, sub, {});
      }
      core.store.state.deleted[id] = true;
      core.emit("customer.deleted", customer);
      return { id, object: "customer", deleted: true };
    })
    .get("/v1/customers", ({ core, params: p }) => {
      const email = p.text("email");
      const clock = p.text("test_clock");
      const rows = core.store
        .all("customers")
        .filter((c) => !core.store.state.deleted[c.id])
        .filter((c) => !email || c.email === email)
        .filter((c) => (clock ? c.test_clock === clock : true));
      return paginate(core, rows, readListParams(p), "/v1/customers");
    });
}
