import { Router } from "./http/router";
import { registerCatalog } from "./resources/catalog";
import { registerCustomers } from "./resources/customers";
import { registerEvents } from "./resources/events";
import { registerInvoices } from "./resources/invoices";
import { registerPaymentMethods } from "./resources/payment-methods";
import { registerPayments } from "./resources/payments";
import { registerSetupIntents } from "./resources/setup-intents";
import { registerSubscriptions } from "./resources/subscriptions";
import { registerTaxIds } from "./resources/tax-ids";
import { registerTestClocks } from "./resources/test-clocks";

export function buildRouter(): Router {
  const router = new Router();
  registerCatalog(router);
  registerCustomers(router);
  registerTaxIds(router);
  registerPaymentMethods(router);
  registerSetupIntents(router);
  registerSubscriptions(router);
  registerInvoices(router);
  registerPayments(router);
  registerTestClocks(router);
  registerEvents(router);
  return router;
}
