export {
  listInvoices,
  getInvoiceDetail,
  getInvoiceDocument,
  customerParty,
  type InvoiceDetail,
  type InvoiceListItem,
} from "./queries";
export { invoiceUsage, periodsOfBilledPeriod, type UsageBreakdown, type InvoiceUsagePeriod } from "./usage";
export {
  invoiceDocument,
  noteText,
  periodText,
  statusText,
  listAmountText,
  type InvoiceDocument,
  type DocumentLine,
  type DocumentTotal,
  type DocumentParty,
} from "./document";
export { renderInvoicePdf } from "./pdf";
export { upsertStripeInvoice, invoiceSubscriptionId } from "./sync";
export { createManualInvoice, manualInvoiceSchema } from "./manual";
export {
  getCustomerBalance,
  getStripeBillingOutlook,
  creditHeldCents,
  upcomingFromPreview,
  type CustomerBalance,
  type UpcomingInvoice,
} from "./upcoming";
export { getBillingDetails, addressLines, type BillingDetails } from "./billing-details";
export { amountRemainingCents, lineUnitPrice, balanceAppliedCents, isCreditInvoice } from "./amounts";
export {
  STATES,
  TAX_ID_RULES,
  billingDetailsSchema,
  countryName,
  countryOptions,
  postalCodeExample,
  taxIdRule,
  type BillingDetailsInput,
} from "./billing-details-rules";
export { organizationOfInvoice } from "./sync";
export { overageText, usagePeriodCaption } from "./usage-text";
export type { InvoiceStatus } from "@/db/schema";
