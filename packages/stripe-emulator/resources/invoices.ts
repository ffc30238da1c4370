import { voidInvoice } from "../billing/cycle";
import {
  type DraftLine,
  createInvoice,
  defaultPayment,
  finalizeInvoice,
  linesFromInvoiceItems,
  pendingInvoiceItems,
  subscriptionOfInvoice,
} from "../billing/invoices";
import { attemptInvoicePayment, markInvoicePaid } from "../billing/payments";
import { previewInvoice } from "../billing/preview";
import type { Core } from "../core/core";
import { StripeApiError, cardError, invalidParam, stateError } from "../core/errors";
import { registerIncludable } from "../core/expand";
import { newId } from "../core/ids";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import { render } from "../core/render";
import type { WInvoice, WInvoiceItem } from "../core/wire";
import type { Router } from "../http/router";
import { must } from "./common";
import { resolvePaymentMethod } from "./payment-methods";
import { readCreateInput, readItems, readUpdateDetails } from "./subscriptions";

registerIncludable("invoice", "payments", (core, obj) => {
  const rows = core.store.all("invoicePayments").filter((p) => p.invoice === obj.id);
  return {
    object: "list",
    data: rows.map((r) => render(core.store, r)),
    has_more: false,
    url: `/v1/invoice_payments?invoice=${String(obj.id)}`,
  };
});

registerIncludable("invoice", "confirmation_secret", (core, obj) => {
  const { pi } = defaultPayment(core, String(obj.id));
  return pi?.client_secret ? { client_secret: pi.client_secret, type: "payment_intent" } : null;
});

function requireStatus(inv: WInvoice, allowed: string[], action: string): void {
  if (!allowed.includes(inv.status ?? "")) {
    throw stateError(
      `You can only ${action} an invoice with a status of ${allowed.join(" or ")}. This invoice's status is ${inv.status ?? "draft"}.`,
    );
  }
}

function pay(core: Core, inv: WInvoice, p: Params): WInvoice {
  if (inv.status === "paid") throw stateError("Invoice is already paid.");
  requireStatus(inv, ["open", "uncollectible", "draft"], "pay");
  if (inv.status === "draft") finalizeInvoice(core, inv);
  if (inv.status === "paid") return inv;
  const now = core.now(String(inv.customer));
  if (p.bool("paid_out_of_band")) {
    markInvoicePaid(core, inv, now, true);
    return inv;
  }
  const pmParam = p.text("payment_method");
  const pm = pmParam ? resolvePaymentMethod(core, pmParam, "payment_method") : undefined;
  if (pm && !pm.customer) {
    pm.customer = String(inv.customer);
    core.emit("payment_method.attached", pm);
  }
  const sub = subscriptionOfInvoice(core, inv);
  const customer = must(core, "customers", String(inv.customer));
  if (!pm && !sub?.default_payment_method && !customer.invoice_settings.default_payment_method) {
    throw invalidParam("payment_method", "This customer has no attached payment source or default payment method.");
  }
  if (inv.status === "uncollectible") inv.status = "open";
  const result = attemptInvoicePayment(core, inv, {
    paymentMethod: pm?.id,
    offSession: p.bool("off_session") ?? true,
    automatic: false,
  });
  if (result.status === "failed" && result.decline) {
    throw cardError(result.decline, { payment_intent: core.snap(result.pi) });
  }
  if (result.status === "requires_action") {
    throw new StripeApiError(
      402,
      {
        type: "card_error",
        code: "invoice_payment_intent_requires_action",
        message:
          "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.",
        payment_intent: core.snap(result.pi),
      },
      { commit: true },
    );
  }
  return inv;
}

/** A manual invoice (POST /v1/invoices): a draft that bills pending invoice items if asked. */
function createManualInvoice(core: Core, p: Params): WInvoice {
  const customer = must(core, "customers", p.reqStr("customer"), "customer");
  const subId = p.text("subscription");
  const sub = subId ? must(core, "subscriptions", subId, "subscription") : null;
  const include =
    (p.oneOf("pending_invoice_items_behavior", ["include", "exclude"] as const) ?? "exclude") === "include";
  const lines: DraftLine[] = include
    ? linesFromInvoiceItems(core, pendingInvoiceItems(core, customer.id, sub?.id ?? null))
    : [];
  const now = core.now(customer.id);
  const inv = createInvoice(core, {
    customer,
    subscription: sub,
    billingReason: "manual",
    lines,
    created: now,
    periodStart: now,
    periodEnd: now,
    currency: p.text("currency") ?? customer.currency ?? "usd",
  });
  inv.auto_advance = p.bool("auto_advance") ?? false;
  inv.collection_method =
    p.oneOf("collection_method", ["charge_automatically", "send_invoice"] as const) ?? "charge_automatically";
  inv.description = p.text("description") ?? null;
  inv.metadata = p.metadata();
  return inv;
}

function createInvoiceItem(core: Core, p: Params): WInvoiceItem {
  const customer = must(core, "customers", p.reqStr("customer"), "customer");
  const priceId = p.obj("pricing")?.text("price") ?? p.text("price");
  const price = priceId ? must(core, "prices", priceId, "price") : undefined;
  const quantity = p.int("quantity") ?? 1;
  const amount = p.int("amount") ?? (price?.unit_amount ?? 0) * quantity;
  if (!price && p.int("amount") === undefined)
    throw invalidParam("amount", "Missing required param: amount.", "parameter_missing");
  const subId = p.text("subscription");
  if (subId) must(core, "subscriptions", subId, "subscription");
  const now = core.now(customer.id);
  const ii: WInvoiceItem = {
    id: newId("ii"),
    object: "invoiceitem",
    amount,
    currency: (p.text("currency") ?? price?.currency ?? customer.currency ?? "usd").toLowerCase(),
    customer: customer.id,
    customer_account: null,
    date: now,
    description: p.text("description") ?? null,
    discountable: true,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: p.metadata(),
    net_amount: amount,
    parent: subId ? { type: "subscription_details", subscription_details: { subscription: subId } } : null,
    period: { start: now, end: now },
    pricing: price
      ? {
          type: "price_details",
          price_details: { price: price.id, product: String(price.product) },
          unit_amount_decimal: price.unit_amount_decimal,
        }
      : null,
    proration: false,
    quantity,
    quantity_decimal: String(quantity),
    tax_rates: [],
    test_clock: customer.test_clock ?? null,
  };
  const invoiceId = p.text("invoice");
  if (invoiceId) {
    const inv = must(core, "invoices", invoiceId, "invoice");
    requireStatus(inv, ["draft"], "add items to");
  }
  core.store.insert("invoiceItems", ii);
  core.emit("invoiceitem.created", ii);
  return ii;
}

function previewFromParams(core: Core, p: Params) {
  const details = p.obj("subscription_details");
  const subscription = p.text("subscription");
  const customer = p.text("customer");
  const customerId =
    customer ?? (subscription ? String(core.store.get("subscriptions", subscription)?.customer ?? "") : "");
  return previewInvoice(core, {
    customer,
    subscription,
    update: subscription && details ? readUpdateDetails(details, () => core.now(customerId)) : undefined,
    create: !subscription && details && readItems(details).length > 0 ? readCreateInput(details) : undefined,
  });
}

export function registerInvoices(router: Router): void {
  router
    .post("/v1/invoices/create_preview", ({ core, params }) => previewFromParams(core, params))
    .post("/v1/invoices", ({ core, params }) => createManualInvoice(core, params))
    .get("/v1/invoices/search", ({ params }) => {
      throw invalidParam(
        "query",
        `Invoice search is not supported by the emulator (query: ${params.text("query") ?? ""}); use list filters.`,
      );
    })
    .get("/v1/invoices/:id", ({ core, ids }) => must(core, "invoices", ids.id ?? ""))
    .post("/v1/invoices/:id", ({ core, ids, params: p }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      const before = core.snap(inv);
      inv.metadata = p.metadata(inv.metadata ?? {});
      if (p.has("description")) inv.description = p.text("description") ?? null;
      if (p.has("auto_advance")) inv.auto_advance = p.bool("auto_advance") ?? inv.auto_advance;
      core.emitUpdated("invoice.updated", inv, before);
      return inv;
    })
    .get("/v1/invoices", ({ core, params: p }) => {
      const customer = p.text("customer");
      const subscription = p.text("subscription");
      const status = p.text("status");
      const rows = core.store
        .all("invoices")
        .filter((i) => !customer || i.customer === customer)
        .filter((i) => !status || i.status === status)
        .filter((i) => !subscription || subscriptionOfInvoice(core, i)?.id === subscription);
      return paginate(core, rows, readListParams(p), "/v1/invoices");
    })
    .get("/v1/invoices/:id/lines", ({ core, ids, params: p }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      return paginate(core, inv.lines.data, readListParams(p), `/v1/invoices/${inv.id}/lines`, true);
    })
    .post("/v1/invoices/:id/finalize", ({ core, ids }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      requireStatus(inv, ["draft"], "finalize");
      return finalizeInvoice(core, inv);
    })
    .post("/v1/invoices/:id/pay", ({ core, ids, params }) => pay(core, must(core, "invoices", ids.id ?? ""), params))
    .post("/v1/invoices/:id/void", ({ core, ids }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      requireStatus(inv, ["open", "uncollectible"], "void");
      voidInvoice(core, inv, core.now(String(inv.customer)));
      const { pi } = defaultPayment(core, inv.id);
      if (pi && pi.status !== "succeeded") {
        pi.status = "canceled";
        pi.cancellation_reason = "void_invoice";
        pi.canceled_at = core.now(String(inv.customer));
      }
      return inv;
    })
    .post("/v1/invoices/:id/mark_uncollectible", ({ core, ids }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      requireStatus(inv, ["open"], "mark uncollectible");
      inv.status = "uncollectible";
      inv.status_transitions.marked_uncollectible_at = core.now(String(inv.customer));
      inv.next_payment_attempt = null;
      core.emit("invoice.marked_uncollectible", inv);
      return inv;
    })
    .del("/v1/invoices/:id", ({ core, ids }) => {
      const inv = must(core, "invoices", ids.id ?? "");
      requireStatus(inv, ["draft"], "delete");
      core.store.remove("invoices", inv.id);
      core.emit("invoice.deleted", inv);
      return { id: inv.id, object: "invoice", deleted: true };
    })
    .get("/v1/invoice_payments", ({ core, params: p }) => {
      const invoice = p.text("invoice");
      const rows = core.store.all("invoicePayments").filter((x) => !invoice || x.invoice === invoice);
      return paginate(core, rows, readListParams(p), "/v1/invoice_payments");
    })
    .get("/v1/invoice_payments/:id", ({ core, ids }) => must(core, "invoicePayments", ids.id ?? ""))
    .post("/v1/invoiceitems", ({ core, params }) => createInvoiceItem(core, params))
    .get("/v1/invoiceitems/:id", ({ core, ids }) => must(core, "invoiceItems", ids.id ?? ""))
    .get("/v1/invoiceitems", ({ core, params: p }) => {
      const customer = p.text("customer");
      const pending = p.bool("pending");
      const invoice = p.text("invoice");
      const rows = core.store
        .all("invoiceItems")
        .filter((ii) => !customer || ii.customer === customer)
        .filter((ii) => !invoice || ii.invoice === invoice)
        .filter((ii) => pending === undefined || (ii.invoice === null) === pending);
      return paginate(core, rows, readListParams(p), "/v1/invoiceitems");
    });
}
