import type Stripe from "stripe";

/** The API version stripe-node 23.1.0 pins; used when a request sends no Stripe-Version. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/**
 * The JSON ("wire") form of an SDK type. The SDK turns decimal strings such as
 * `unit_amount_decimal` into `Stripe.Decimal` objects after parsing; on the wire they are strings.
 */
export type Wire<T> = T extends Stripe.Decimal
  ? string
  : T extends Primitive
    ? T
    : T extends Array<infer U>
      ? Array<Wire<U>>
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export type WList<T> = { object: "list"; data: T[]; has_more: boolean; url: string };

export type WCustomer = Wire<Stripe.Customer>;
export type WProduct = Wire<Stripe.Product>;
export type WPrice = Wire<Stripe.Price>;
export type WPlan = Wire<Stripe.Plan>;
export type WPaymentMethod = Wire<Stripe.PaymentMethod>;
export type WSetupIntent = Wire<Stripe.SetupIntent>;
export type WSubscription = Wire<Stripe.Subscription>;
export type WSubscriptionItem = Wire<Stripe.SubscriptionItem>;
export type WInvoice = Wire<Stripe.Invoice>;
export type WInvoiceLineItem = Wire<Stripe.InvoiceLineItem>;
export type WInvoiceItem = Wire<Stripe.InvoiceItem>;
export type WInvoicePayment = Wire<Stripe.InvoicePayment>;
export type WPaymentIntent = Wire<Stripe.PaymentIntent>;
export type WCharge = Wire<Stripe.Charge>;
export type WTestClock = Wire<Stripe.TestHelpers.TestClock>;
export type WTaxId = Wire<Stripe.TaxId>;
export type WEvent = Omit<Wire<Stripe.EventBase>, "data"> & {
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
};

/** Any JSON value as parsed from our own objects. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: unknown };
