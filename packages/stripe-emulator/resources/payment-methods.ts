import { buildCardPaymentMethod, isTestToken, setupOutcome, testCardKind } from "../billing/cards";
import type { Core } from "../core/core";
import { realNow } from "../core/core";
import { cardError, invalidParam, noSuch, stateError } from "../core/errors";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import type { WPaymentMethod } from "../core/wire";
import type { Router } from "../http/router";
import { idOf, must } from "./common";

/** Creates a card payment method for a test card kind (see billing/cards.ts). */
export function createCardPaymentMethod(core: Core, kind: string, billing?: Params): WPaymentMethod {
  const pm = buildCardPaymentMethod(kind, realNow(), billing ? readBillingDetails(billing) : undefined);
  core.store.insert("paymentMethods", pm);
  core.store.state.cardKinds[pm.id] = kind;
  return pm;
}

function readBillingDetails(p: Params): Partial<WPaymentMethod["billing_details"]> {
  const out: Partial<WPaymentMethod["billing_details"]> = {};
  if (p.has("name")) out.name = p.text("name") ?? null;
  if (p.has("email")) out.email = p.text("email") ?? null;
  if (p.has("phone")) out.phone = p.text("phone") ?? null;
  return out;
}

/**
 * A `payment_method` parameter: an existing `pm_…`, or a test id such as `pm_card_visa`, which
 * creates a new payment method (once per request, so two params naming it get the same one).
 */
export function resolvePaymentMethod(core: Core, idOrToken: string, param: string): WPaymentMethod {
  if (isTestToken(idOrToken)) {
    const kind = testCardKind(idOrToken);
    if (!kind) throw noSuch("PaymentMethod", idOrToken, param);
    const cache = core.magicCache();
    const existing = core.store.get("paymentMethods", cache.get(idOrToken));
    if (existing) return existing;
    const pm = createCardPaymentMethod(core, kind);
    cache.set(idOrToken, pm.id);
    return pm;
  }
  return must(core, "paymentMethods", idOrToken, param);
}

export function cardKindOf(core: Core, pmId: string): string | undefined {
  return core.store.state.cardKinds[pmId];
}

/** A payment method that must already belong to `customerId` (default_payment_method params). */
export function requireCustomerPaymentMethod(
  core: Core,
  customerId: string,
  idOrToken: string,
  param: string,
): WPaymentMethod {
  const cached = core.magicCache().get(idOrToken);
  const pm = core.store.get("paymentMethods", cached ?? idOrToken);
  if (!pm || pm.customer !== customerId) {
    throw invalidParam(
      param,
      `The customer does not have a payment method with the ID ${idOrToken}. The payment method must be attached to the customer.`,
      "resource_missing",
    );
  }
  return pm;
}

/** Attach (with the card check Stripe runs: declining test cards fail with a 402). */
export function attachPaymentMethod(core: Core, pm: WPaymentMethod, customerId: string): WPaymentMethod {
  const current = idOf(pm.customer);
  if (current === customerId) return pm;
  if (current)
    throw stateError("The payment method you provided has already been attached to a customer.", "payment_method");
  const outcome = setupOutcome(cardKindOf(core, pm.id));
  if (outcome.status === "declined") throw cardError(outcome.decline, { payment_method: core.snap(pm) }, false);
  pm.customer = customerId;
  core.emit("payment_method.attached", pm);
  return pm;
}

export function detachPaymentMethod(core: Core, pm: WPaymentMethod): WPaymentMethod {
  const customerId = idOf(pm.customer);
  if (!customerId)
    throw stateError("The payment method you provided is not attached to a customer so detachment is impossible.");
  const customer = core.store.get("customers", customerId);
  if (customer && customer.invoice_settings.default_payment_method === pm.id) {
    const before = core.snap(customer);
    customer.invoice_settings.default_payment_method = null;
    core.emitUpdated("customer.updated", customer, before);
  }
  for (const sub of core.store.all("subscriptions")) {
    if (sub.default_payment_method === pm.id) {
      const before = core.snap(sub);
      sub.default_payment_method = null;
      core.emitUpdated("customer.subscription.updated", sub, before);
    }
  }
  pm.customer = null;
  core.emit("payment_method.detached", pm, { customer: customerId });
  return pm;
}

function listFor(core: Core, p: Params, customerId: string | undefined, url: string) {
  const type = p.text("type");
  const rows = core.store
    .all("paymentMethods")
    .filter((pm) => (customerId ? pm.customer === customerId : true))
    .filter((pm) => !type || pm.type === type);
  return paginate(core, rows, readListParams(p), url);
}

export function registerPaymentMethods(router: Router): void {
  router
    .post("/v1/payment_methods", ({ core, params: p }) => {
      const type = p.text("type") ?? "card";
      if (type !== "card") throw invalidParam("type", "The emulator only supports `type=card` payment methods.");
      const card = p.obj("card");
      const source = card?.text("token") ?? card?.text("number") ?? p.text("payment_method") ?? "tok_visa";
      const kind = testCardKind(source);
      if (!kind)
        throw invalidParam(
          "card[number]",
          "Use a Stripe test card number or test token (e.g. tok_visa).",
          "incorrect_number",
        );
      const billing = p.obj("billing_details");
      const pm = createCardPaymentMethod(core, kind, billing);
      pm.metadata = p.metadata();
      return pm;
    })
    .get("/v1/payment_methods/:id", ({ core, ids }) => resolvePaymentMethod(core, ids.id ?? "", "id"))
    .post("/v1/payment_methods/:id", ({ core, ids, params: p }) => {
      const pm = resolvePaymentMethod(core, ids.id ?? "", "id");
      const before = core.snap(pm);
      pm.metadata = p.metadata(pm.metadata ?? {});
      const billing = p.obj("billing_details");
      if (billing) pm.billing_details = { ...pm.billing_details, ...readBillingDetails(billing) };
      if (pm.customer) core.emitUpdated("payment_method.updated", pm, before);
      return pm;
    })
    .post("/v1/payment_methods/:id/attach", ({ core, ids, params: p }) => {
      const customerId = p.reqStr("customer");
      must(core, "customers", customerId, "customer");
      const pm = resolvePaymentMethod(core, ids.id ?? "", "id");
      return attachPaymentMethod(core, pm, customerId);
    })
    .post("/v1/payment_methods/:id/detach", ({ core, ids }) =>
      detachPaymentMethod(core, must(core, "paymentMethods", ids.id ?? "")),
    )
    .get("/v1/payment_methods", ({ core, params: p }) => {
      const customer = p.text("customer");
      if (customer) must(core, "customers", customer, "customer");
      return listFor(core, p, customer, "/v1/payment_methods");
    })
    .get("/v1/customers/:id/payment_methods", ({ core, ids, params: p }) => {
      const customer = must(core, "customers", ids.id ?? "");
      return listFor(core, p, customer.id, `/v1/customers/${customer.id}/payment_methods`);
    })
    .get("/v1/customers/:customer/payment_methods/:id", ({ core, ids }) => {
      const pm = must(core, "paymentMethods", ids.id ?? "");
      if (pm.customer !== ids.customer) throw noSuch("PaymentMethod", pm.id);
      return pm;
    })
    // Emulator-only: make an existing card behave like another test card from now on
    // (e.g. `kind=chargeCustomerFail` to make renewals decline). Not a Stripe endpoint.
    .post("/_emulator/payment_methods/:id/card_behavior", ({ core, ids, params: p }) => {
      const pm = must(core, "paymentMethods", ids.id ?? "");
      const kind = p.reqStr("kind");
      if (!testCardKind(`pm_card_${kind}`)) throw invalidParam("kind", `Unknown test card kind: ${kind}`);
      core.store.state.cardKinds[pm.id] = kind;
      return pm;
    });
}
