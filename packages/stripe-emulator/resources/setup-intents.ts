import { setupOutcome } from "../billing/cards";
import type { Core } from "../core/core";
import { StripeApiError, cardError, invalidParam, stateError } from "../core/errors";
import { clientSecret, newId } from "../core/ids";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import type { WSetupIntent } from "../core/wire";
import type { Router } from "../http/router";
import { idOf, must } from "./common";
import { cardKindOf, resolvePaymentMethod } from "./payment-methods";

const CONFIRMABLE = ["requires_payment_method", "requires_confirmation", "requires_action"];

function unexpectedState(si: WSetupIntent, action: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "setup_intent_unexpected_state",
    message: `You cannot ${action} this SetupIntent because it has a status of ${si.status}.`,
    setup_intent: si,
  });
}

function createSetupIntent(core: Core, p: Params): WSetupIntent {
  const customerId = p.text("customer");
  if (customerId) must(core, "customers", customerId, "customer");
  const pmId = p.text("payment_method");
  const pm = pmId ? resolvePaymentMethod(core, pmId, "payment_method") : undefined;
  const apm = p.obj("automatic_payment_methods");
  const types = p.strList("payment_method_types");
  const id = newId("seti");
  const si: WSetupIntent = {
    id,
    object: "setup_intent",
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: apm ? { enabled: apm.bool("enabled") ?? false } : null,
    cancellation_reason: null,
    client_secret: clientSecret(id),
    created: core.now(customerId),
    customer: customerId ?? null,
    customer_account: null,
    description: p.text("description") ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: p.metadata(),
    next_action: null,
    on_behalf_of: null,
    payment_method: pm?.id ?? null,
    payment_method_configuration_details: apm ? { id: "pmc_emulator_default", parent: null } : null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: types.length > 0 ? types : ["card"],
    single_use_mandate: null,
    status: pm ? "requires_confirmation" : "requires_payment_method",
    usage: p.oneOf("usage", ["on_session", "off_session"] as const) ?? "off_session",
  };
  core.store.insert("setupIntents", si);
  core.emit("setup_intent.created", si);
  if (p.bool("confirm")) confirmSetupIntent(core, si, p);
  return si;
}

function succeed(core: Core, si: WSetupIntent): void {
  si.status = "succeeded";
  si.next_action = null;
  si.last_setup_error = null;
  const customerId = idOf(si.customer);
  const pm = must(core, "paymentMethods", idOf(si.payment_method) ?? "", "payment_method");
  if (customerId && !pm.customer) {
    pm.customer = customerId;
    core.emit("payment_method.attached", pm);
  }
  core.emit("setup_intent.succeeded", si);
}

function fail(core: Core, si: WSetupIntent, error: NonNullable<WSetupIntent["last_setup_error"]>): void {
  si.status = "requires_payment_method";
  si.next_action = null;
  si.last_setup_error = error;
  si.payment_method = null;
  core.emit("setup_intent.setup_failed", si);
}

export function confirmSetupIntent(core: Core, si: WSetupIntent, p?: Params): WSetupIntent {
  if (!CONFIRMABLE.includes(si.status)) throw unexpectedState(si, "confirm");
  const pmParam = p?.text("payment_method");
  if (pmParam) si.payment_method = resolvePaymentMethod(core, pmParam, "payment_method").id;
  const pmId = idOf(si.payment_method);
  if (!pmId) {
    throw invalidParam(
      "payment_method",
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
    );
  }
  const pm = must(core, "paymentMethods", pmId, "payment_method");
  const owner = idOf(pm.customer);
  const customerId = idOf(si.customer);
  if (owner && customerId && owner !== customerId) {
    throw stateError("The provided PaymentMethod is attached to another customer.", "payment_method");
  }
  const outcome = setupOutcome(cardKindOf(core, pmId));
  if (outcome.status === "succeeded") {
    succeed(core, si);
  } else if (outcome.status === "requires_action") {
    si.status = "requires_action";
    si.next_action = {
      type: "use_stripe_sdk",
      use_stripe_sdk: {
        type: "three_d_secure_redirect",
        stripe_js: `${core.baseUrl}/3ds/${si.id}`,
        source: `src_${si.id.slice(5)}`,
      },
    };
    core.emit("setup_intent.requires_action", si);
  } else {
    const error = {
      ...outcome.decline,
      doc_url: `https://stripe.com/docs/error-codes/${outcome.decline.code.replace(/_/g, "-")}`,
      payment_method: core.snap(pm),
      type: "card_error" as const,
    };
    fail(core, si, error);
    throw cardError(outcome.decline, { payment_method: core.snap(pm), setup_intent: core.snap(si) });
  }
  return si;
}

export function registerSetupIntents(router: Router): void {
  router
    .post("/v1/setup_intents", ({ core, params }) => createSetupIntent(core, params))
    .get("/v1/setup_intents/:id", ({ core, ids }) => must(core, "setupIntents", ids.id ?? ""))
    .post("/v1/setup_intents/:id", ({ core, ids, params: p }) => {
      const si = must(core, "setupIntents", ids.id ?? "");
      if (["succeeded", "canceled"].includes(si.status)) throw unexpectedState(si, "update");
      if (p.has("customer")) {
        const c = p.text("customer");
        if (c) must(core, "customers", c, "customer");
        si.customer = c ?? null;
      }
      if (p.has("payment_method")) {
        const pmId = p.text("payment_method");
        si.payment_method = pmId ? resolvePaymentMethod(core, pmId, "payment_method").id : null;
        si.status = si.payment_method ? "requires_confirmation" : "requires_payment_method";
      }
      if (p.has("description")) si.description = p.text("description") ?? null;
      si.metadata = p.metadata(si.metadata ?? {});
      return si;
    })
    .post("/v1/setup_intents/:id/confirm", ({ core, ids, params }) =>
      confirmSetupIntent(core, must(core, "setupIntents", ids.id ?? ""), params),
    )
    .post("/v1/setup_intents/:id/cancel", ({ core, ids, params: p }) => {
      const si = must(core, "setupIntents", ids.id ?? "");
      if (!CONFIRMABLE.includes(si.status)) throw unexpectedState(si, "cancel");
      si.status = "canceled";
      si.next_action = null;
      si.cancellation_reason =
        p.oneOf("cancellation_reason", ["abandoned", "duplicate", "requested_by_customer"] as const) ?? null;
      core.emit("setup_intent.canceled", si);
      return si;
    })
    .get("/v1/setup_intents", ({ core, params: p }) => {
      const customer = p.text("customer");
      const pm = p.text("payment_method");
      const rows = core.store
        .all("setupIntents")
        .filter((si) => !customer || si.customer === customer)
        .filter((si) => !pm || si.payment_method === pm);
      return paginate(core, rows, readListParams(p), "/v1/setup_intents");
    })
    // Emulator-only: complete (or fail) the 3D Secure step of a `requires_action` SetupIntent,
    // standing in for the customer finishing authentication in Stripe.js. Not a Stripe endpoint.
    .post("/_emulator/setup_intents/:id/authenticate", ({ core, ids, params: p }) => {
      const si = must(core, "setupIntents", ids.id ?? "");
      if (si.status !== "requires_action") throw unexpectedState(si, "authenticate");
      if ((p.oneOf("outcome", ["succeed", "fail"] as const) ?? "succeed") === "succeed") succeed(core, si);
      else {
        fail(core, si, {
          code: "setup_intent_authentication_failure",
          message:
            "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
          type: "invalid_request_error",
        });
      }
      return si;
    });
}
