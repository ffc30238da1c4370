import type { Handler } from "../types";
import * as checkoutSessionCompleted from "./checkout.session.completed";
import * as customerSubscriptionCreated from "./customer.subscription.created";
import * as customerSubscriptionDeleted from "./customer.subscription.deleted";
import * as customerSubscriptionTrialWillEnd from "./customer.subscription.trial_will_end";
import * as customerSubscriptionUpdated from "./customer.subscription.updated";
import * as customerUpdated from "./customer.updated";
import * as invoiceCreated from "./invoice.created";
import * as invoiceFinalized from "./invoice.finalized";
import * as invoiceMarkedUncollectible from "./invoice.marked_uncollectible";
import * as invoicePaid from "./invoice.paid";
import * as invoicePaymentFailed from "./invoice.payment_failed";
import * as invoicePaymentSucceeded from "./invoice.payment_succeeded";
import * as invoiceVoided from "./invoice.voided";
import * as paymentMethodAttached from "./payment_method.attached";
import * as paymentMethodDetached from "./payment_method.detached";
import * as setupIntentSucceeded from "./setup_intent.succeeded";

/** The event types we act on: one file each. Anything else is recorded as ignored. */
export const HANDLERS: Record<string, Handler | undefined> = {
  "customer.subscription.created": customerSubscriptionCreated.handle,
  "customer.subscription.updated": customerSubscriptionUpdated.handle,
  "customer.subscription.deleted": customerSubscriptionDeleted.handle,
  "customer.subscription.trial_will_end": customerSubscriptionTrialWillEnd.handle,
  "invoice.created": invoiceCreated.handle,
  "invoice.finalized": invoiceFinalized.handle,
  "invoice.paid": invoicePaid.handle,
  "invoice.payment_succeeded": invoicePaymentSucceeded.handle,
  "invoice.payment_failed": invoicePaymentFailed.handle,
  "invoice.voided": invoiceVoided.handle,
  "invoice.marked_uncollectible": invoiceMarkedUncollectible.handle,
  "payment_method.attached": paymentMethodAttached.handle,
  "payment_method.detached": paymentMethodDetached.handle,
  "setup_intent.succeeded": setupIntentSucceeded.handle,
  "checkout.session.completed": checkoutSessionCompleted.handle,
  "customer.updated": customerUpdated.handle,
};

export const HANDLED_EVENT_TYPES = Object.keys(HANDLERS);
