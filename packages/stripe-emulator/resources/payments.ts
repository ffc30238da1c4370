import { attemptInvoicePayment } from "../billing/payments";
import type { Core } from "../core/core";
import { StripeApiError, cardError, stateError } from "../core/errors";
import { paginate } from "../core/list";
import { readListParams } from "../core/params";
import type { WInvoice, WPaymentIntent } from "../core/wire";
import type { Router } from "../http/router";
import { idOf, must } from "./common";
import { resolvePaymentMethod } from "./payment-methods";

/** PaymentIntents exist for invoice payments; confirming one pays its invoice. */
function invoiceOf(core: Core, pi: WPaymentIntent): WInvoice | undefined {
  const payment = core.store.all("invoicePayments").find((p) => idOf(p.payment.payment_intent ?? null) === pi.id);
  return payment ? core.store.get("invoices", String(payment.invoice)) : undefined;
}

function unexpectedState(pi: WPaymentIntent, action: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "payment_intent_unexpected_state",
    message: `You cannot ${action} this PaymentIntent because it has a status of ${pi.status}.`,
    payment_intent: pi,
  });
}

export function registerPayments(router: Router): void {
  router
    .get("/v1/payment_intents/:id", ({ core, ids }) => must(core, "paymentIntents", ids.id ?? ""))
    .get("/v1/payment_intents", ({ core, params: p }) => {
      const customer = p.text("customer");
      const rows = core.store.all("paymentIntents").filter((pi) => !customer || pi.customer === customer);
      return paginate(core, rows, readListParams(p), "/v1/payment_intents");
    })
    .post("/v1/payment_intents/:id", ({ core, ids, params: p }) => {
      const pi = must(core, "paymentIntents", ids.id ?? "");
      pi.metadata = p.metadata(pi.metadata);
      const pm = p.text("payment_method");
      if (pm) pi.payment_method = resolvePaymentMethod(core, pm, "payment_method").id;
      return pi;
    })
    .post("/v1/payment_intents/:id/confirm", ({ core, ids, params: p }) => {
      const pi = must(core, "paymentIntents", ids.id ?? "");
      if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status))
        throw unexpectedState(pi, "confirm");
      const inv = invoiceOf(core, pi);
      if (!inv || inv.status !== "open")
        throw stateError("The emulator only confirms PaymentIntents of open invoices.");
      const pmParam = p.text("payment_method") ?? idOf(pi.payment_method);
      if (!pmParam)
        throw stateError(
          "You cannot confirm this PaymentIntent because it's missing a payment method.",
          "payment_method",
        );
      const pm = resolvePaymentMethod(core, pmParam, "payment_method");
      const setupFutureUsage = p.oneOf("setup_future_usage", ["on_session", "off_session"] as const);
      if (setupFutureUsage && !pm.customer && pi.customer) {
        pm.customer = String(pi.customer);
        core.emit("payment_method.attached", pm);
      }
      const result = attemptInvoicePayment(core, inv, {
        paymentMethod: pm.id,
        offSession: p.bool("off_session") ?? false,
        automatic: false,
      });
      if (result.status === "failed" && result.decline)
        throw cardError(result.decline, { payment_intent: core.snap(result.pi) });
      return must(core, "paymentIntents", pi.id);
    })
    .post("/v1/payment_intents/:id/cancel", ({ core, ids, params: p }) => {
      const pi = must(core, "paymentIntents", ids.id ?? "");
      if (["succeeded", "canceled"].includes(pi.status)) throw unexpectedState(pi, "cancel");
      pi.status = "canceled";
      pi.canceled_at = core.now(String(pi.customer));
      pi.cancellation_reason =
        p.oneOf("cancellation_reason", ["abandoned", "duplicate", "fraudulent", "requested_by_customer"] as const) ??
        null;
      core.emit("payment_intent.canceled", pi);
      return pi;
    })
    // Emulator-only: the customer completes (or fails) 3D Secure for a `requires_action`
    // invoice PaymentIntent, as Stripe.js would. Not a Stripe endpoint.
    .post("/_emulator/payment_intents/:id/authenticate", ({ core, ids, params: p }) => {
      const pi = must(core, "paymentIntents", ids.id ?? "");
      if (pi.status !== "requires_action") throw unexpectedState(pi, "authenticate");
      const inv = invoiceOf(core, pi);
      if (!inv) throw stateError("This PaymentIntent does not belong to an invoice.");
      if ((p.oneOf("outcome", ["succeed", "fail"] as const) ?? "succeed") === "fail") {
        pi.status = "requires_payment_method";
        pi.next_action = null;
        pi.last_payment_error = {
          code: "payment_intent_authentication_failure",
          message:
            "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
          type: "invalid_request_error",
        };
        core.emit("payment_intent.payment_failed", pi);
        core.emit("invoice.payment_failed", inv);
        return pi;
      }
      attemptInvoicePayment(core, inv, {
        paymentMethod: idOf(pi.payment_method),
        offSession: false,
        automatic: false,
        authenticated: true,
      });
      return must(core, "paymentIntents", pi.id);
    })
    .get("/v1/charges/:id", ({ core, ids }) => must(core, "charges", ids.id ?? ""))
    .get("/v1/charges", ({ core, params: p }) => {
      const customer = p.text("customer");
      const pi = p.text("payment_intent");
      const rows = core.store
        .all("charges")
        .filter((c) => !customer || c.customer === customer)
        .filter((c) => !pi || c.payment_intent === pi);
      return paginate(core, rows, readListParams(p), "/v1/charges");
    });
}
