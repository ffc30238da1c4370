export { ensureCustomer } from "./customers";
export {
  attachPaymentMethod,
  createSetupIntent,
  finalizeSetupIntent,
  TEST_CARDS,
  attachCardSchema,
} from "./payment-methods";
export { changePlan, cancelAtPeriodEnd, resumeSubscription, planChangeSchema, assertFits } from "./subscriptions";
export { previewPlanChange, type ChangePreview } from "./preview";
export { syncSeats, previewSeatChange, type SeatPreview } from "./seats";
export { applyStripeSubscription, moveToFree } from "./subscription-sync";
export { ensureStripePrices } from "./stripe-catalog";
export { recurringAmount } from "./price";
export { resyncOrganization, type ResyncReport } from "./resync";
export { setEnterpriseTerms, enterpriseTermsSchema, type EnterpriseTerms } from "./enterprise";
export { saveBillingDetails } from "./billing-details";
