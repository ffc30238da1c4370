export {
  listInvoices,
  getInvoiceDetail,
  usageBreakdown,
  type InvoiceDetail,
  type InvoiceListItem,
  type UsageBreakdown,
} from "./queries";
export { renderInvoicePdf, SELLER } from "./pdf";
export { upsertStripeInvoice, invoiceSubscriptionId } from "./sync";
export { createManualInvoice, manualInvoiceSchema } from "./manual";
