import type { Core } from "../core/core";
import { base62, newId } from "../core/ids";
import type { WCustomer, WInvoice, WInvoiceItem, WInvoiceLineItem, WPrice, WSubscription } from "../core/wire";
import { invoiceTaxIds } from "../resources/tax-ids";
import { newInvoicePayment, newPaymentIntent } from "./objects";

/** The subscription an invoice bills, if any. */
export function subscriptionOfInvoice(core: Core, inv: WInvoice): WSubscription | undefined {
  const id = inv.parent?.subscription_details?.subscription;
  return core.store.get("subscriptions", typeof id === "string" ? id : id?.id);
}

/** A line before it is placed on an invoice. Amounts are integer minor units. */
export interface DraftLine {
  amount: number;
  description: string;
  period: { start: number; end: number };
  price: WPrice | null;
  quantity: number;
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  invoiceItem: string | null;
  metadata?: Record<string, string>;
}

export type BillingReason = NonNullable<WInvoice["billing_reason"]>;

function unitDecimal(line: DraftLine): string | null {
  if (line.price && !line.proration) return line.price.unit_amount_decimal;
  if (line.quantity === 0) return "0";
  // Proration lines show the prorated per-unit amount; a decimal string, not money arithmetic.
  return String(Number((line.amount / line.quantity).toFixed(12)));
}

function lineItem(inv: WInvoice, line: DraftLine, preview: boolean): WInvoiceLineItem {
  const product = line.price
    ? typeof line.price.product === "string"
      ? line.price.product
      : line.price.product.id
    : null;
  const parent: WInvoiceLineItem["parent"] = line.subscriptionItem
    ? {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: line.invoiceItem,
          proration: line.proration,
          proration_details: { credited_items: null },
          subscription: line.subscription,
          subscription_item: line.subscriptionItem,
        },
      }
    : {
        type: "invoice_item_details",
        invoice_item_details: {
          invoice_item: line.invoiceItem ?? "",
          proration: line.proration,
          proration_details: { credited_items: null },
          subscription: line.subscription,
        },
        subscription_item_details: null,
      };
  return {
    id: preview ? `il_tmp_${base62(24)}` : newId("il"),
    object: "line_item",
    amount: line.amount,
    currency: inv.currency,
    description: line.description,
    discount_amounts: [],
    discountable: !line.proration,
    discounts: [],
    invoice: preview ? null : inv.id,
    livemode: false,
    metadata: line.metadata ?? {},
    parent,
    period: { ...line.period },
    pretax_credit_amounts: [],
    pricing:
      line.price && product
        ? {
            type: "price_details",
            price_details: { price: line.price.id, product },
            unit_amount_decimal: unitDecimal(line),
          }
        : { type: "price_details", unit_amount_decimal: unitDecimal(line) },
    quantity: line.quantity,
    quantity_decimal: String(line.quantity),
    subscription: line.subscription,
    subtotal: line.amount,
    taxes: [],
  };
}

export interface NewInvoiceArgs {
  customer: WCustomer;
  subscription: WSubscription | null;
  billingReason: BillingReason;
  lines: DraftLine[];
  created: number;
  periodStart: number;
  periodEnd: number;
  currency: string;
  /** Preview invoices (create_preview) are neither stored nor announced. */
  preview?: boolean;
  prorationDate?: number;
}

export function buildInvoice(core: Core, a: NewInvoiceArgs): WInvoice {
  const subtotal = a.lines.reduce((sum, l) => sum + l.amount, 0);
  const inv: WInvoice = {
    id: a.preview ? `upcoming_in_${base62(24)}` : newId("in"),
    object: "invoice",
    account_country: "US",
    account_name: "Stripe Emulator",
    account_tax_ids: null,
    amount_due: Math.max(0, subtotal),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, subtotal),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: !a.preview,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: a.preview ? null : a.created + 3600,
    billing_reason: a.billingReason,
    collection_method: a.subscription?.collection_method ?? "charge_automatically",
    created: a.created,
    currency: a.currency,
    custom_fields: null,
    customer: a.customer.id,
    customer_account: null,
    customer_address: a.customer.address ?? null,
    customer_email: a.customer.email,
    customer_name: a.customer.name ?? null,
    customer_phone: a.customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: a.customer.tax_exempt ?? "none",
    customer_tax_ids: invoiceTaxIds(core, a.customer.id),
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: a.customer.invoice_settings.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, url: "" },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: a.subscription
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: {
            metadata: { ...a.subscription.metadata },
            subscription: a.subscription.id,
            ...(a.prorationDate !== undefined ? { subscription_proration_date: a.prorationDate } : {}),
          },
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: a.periodEnd,
    period_start: a.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: "auto" }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: a.customer.test_clock ?? null,
    total: subtotal,
    total_discount_amounts: [],
    total_excluding_tax: subtotal,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: a.preview ? null : a.created,
  };
  inv.lines.data = a.lines.map((l) => lineItem(inv, l, a.preview ?? false));
  inv.lines.url = `/v1/invoices/${inv.id}/lines`;
  if (a.preview) applyBalance(inv, a.customer.balance);
  return inv;
}

/** Creates and stores a draft invoice; the invoice items it bills are marked as invoiced. */
export function createInvoice(core: Core, a: NewInvoiceArgs): WInvoice {
  const inv = buildInvoice(core, a);
  core.store.insert("invoices", inv);
  for (const line of a.lines) {
    const ii = core.store.get("invoiceItems", line.invoiceItem);
    if (ii) ii.invoice = inv.id;
  }
  core.emit("invoice.created", inv);
  return inv;
}

/** The customer balance is applied at finalization: credit (negative) lowers amount_due. */
function applyBalance(inv: WInvoice, balance: number): number {
  const due = inv.total + balance;
  inv.starting_balance = balance;
  inv.amount_due = Math.max(0, due);
  inv.amount_remaining = inv.amount_due;
  inv.ending_balance = Math.min(0, due);
  return inv.ending_balance;
}

export function pendingInvoiceItems(core: Core, customerId: string, subscriptionId: string | null): WInvoiceItem[] {
  return core.store
    .all("invoiceItems")
    .filter((ii) => ii.customer === customerId && ii.invoice === null)
    .filter((ii) => {
      const sub = ii.parent?.subscription_details?.subscription ?? null;
      return sub === null || sub === subscriptionId;
    })
    .sort((a, b) => core.store.orderOf(a.id) - core.store.orderOf(b.id));
}

export function linesFromInvoiceItems(core: Core, items: WInvoiceItem[]): DraftLine[] {
  return items.map((ii) => {
    const priceId = ii.pricing?.price_details?.price;
    const price = core.store.get("prices", typeof priceId === "string" ? priceId : priceId?.id) ?? null;
    return {
      amount: ii.amount,
      description: ii.description ?? "",
      period: { ...ii.period },
      price,
      quantity: ii.quantity,
      proration: ii.proration,
      subscription: ii.parent?.subscription_details?.subscription ?? null,
      subscriptionItem: ii.parent?.subscription_details?.subscription_item ?? null,
      invoiceItem: ii.id,
      metadata: { ...(ii.metadata ?? {}) },
    };
  });
}

/**
 * draft → open: number, hosted URLs, customer balance, and (for charge_automatically) the
 * PaymentIntent the payment attempts use. A zero amount due is paid on the spot, as on Stripe.
 */
export function finalizeInvoice(core: Core, inv: WInvoice): WInvoice {
  const customer = core.store.get("customers", String(inv.customer));
  const now = core.now(String(inv.customer));
  if (customer) {
    const before = core.snap(customer);
    customer.balance = applyBalance(inv, customer.balance);
    const seq = customer.next_invoice_sequence ?? 1;
    inv.number = `${customer.invoice_prefix}-${String(seq).padStart(4, "0")}`;
    customer.next_invoice_sequence = seq + 1;
    if (customer.balance !== before.balance) core.emitUpdated("customer.updated", customer, before);
  }
  inv.status = "open";
  inv.status_transitions.finalized_at = now;
  inv.effective_at = now;
  inv.automatically_finalizes_at = null;
  inv.hosted_invoice_url = `${core.baseUrl}/invoices/${inv.id}`;
  inv.invoice_pdf = `${core.baseUrl}/invoices/${inv.id}/pdf`;
  if (inv.collection_method === "send_invoice") inv.due_date = now + 30 * 86_400;
  if (inv.amount_due > 0 && inv.collection_method === "charge_automatically") {
    const sub = core.store.get("subscriptions", String(inv.parent?.subscription_details?.subscription ?? ""));
    const pi = newPaymentIntent({
      amount: inv.amount_due,
      currency: inv.currency,
      customer: String(inv.customer),
      created: now,
      description: sub
        ? inv.billing_reason === "subscription_create"
          ? "Subscription creation"
          : "Subscription update"
        : `Invoice ${inv.number ?? ""}`,
      paymentMethod: null,
    });
    core.store.insert("paymentIntents", pi);
    core.store.insert("invoicePayments", newInvoicePayment(inv, pi, now));
    core.emit("payment_intent.created", pi);
  }
  core.emit("invoice.finalized", inv);
  if (inv.amount_due === 0) {
    inv.status = "paid";
    inv.status_transitions.paid_at = now;
    inv.auto_advance = false;
    core.emit("invoice.paid", inv);
    core.emit("invoice.payment_succeeded", inv);
  }
  return inv;
}

/** The invoice's default InvoicePayment and its PaymentIntent, if it has one. */
export function defaultPayment(core: Core, invoiceId: string) {
  const payment = core.store.all("invoicePayments").find((p) => p.invoice === invoiceId && p.is_default);
  const piId = payment?.payment.payment_intent;
  const pi = core.store.get("paymentIntents", typeof piId === "string" ? piId : piId?.id);
  return { payment, pi };
}
