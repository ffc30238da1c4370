export { ensureCustomer, linkCustomer } from "./customers";
export {
  attachPaymentMethod,
  createSetupIntent,
  finalizeSetupIntent,
  TEST_CARDS,
  attachCardSchema,
} from "./payment-methods";
export {
  changePlan,
  cancelAtPeriodEnd,
  resumeSubscription,
  planChangeSchema,
  assertFits,
  type PlanChange,
} from "./subscriptions";
export { previewPlanChange, type ChangePreview } from "./preview";
export { previewStateSchema, readBillingState, describeChanges, type BillingState } from "./previewed-state";
export { syncSeats, previewSeatChange, type SeatPreview } from "./seats";
export { lockOrganizationBilling, memberCount } from "./lock";
export { shareWithinTransaction } from "./shared";
export {
  applyStripeSubscription,
  moveToFree,
  syncSubscription,
  isLiveStatus,
  type ApplyResult,
} from "./subscription-sync";
export { syncCard, summarize, organizationOfCard } from "./card";
export { syncInvoice } from "./invoice-sync";
export { ensureStripePrices } from "./stripe-catalog";
export { resyncOrganization, type ResyncReport } from "./resync";
export { setEnterpriseTerms, enterpriseTermsSchema, type EnterpriseTerms } from "./enterprise";
export { setLimitOverride, removeLimitOverride, extendTrial } from "./terms";
export { saveBillingDetails, parseBillingDetails } from "./billing-details";
export { completeTestAuthentication, testAuthenticationSchema } from "./test-authentication";
export { getPaymentMethod, listPlanOptions } from "./plan-options";
export { recommendPlan } from "./recommend";
export { overLimits } from "./fit";
export { assertSelfServicePlanChange, isContractPlan } from "./self-service";
export { findOrganizationId, idOf } from "./subscription-lookups";
