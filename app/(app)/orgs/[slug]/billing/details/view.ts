import type { BillingDetailsView } from "@/components/billing/billing-details-form";
import type { BillingDetails } from "@/lib/invoices";

/** The details as the form shows them (plain strings). */
export function toDetailsView(d: BillingDetails): BillingDetailsView {
  return {
    email: d.email ?? "",
    name: d.nameSet ? d.name : "",
    line1: d.line1 ?? "",
    line2: d.line2 ?? "",
    city: d.city ?? "",
    state: d.state ?? "",
    postalCode: d.postalCode ?? "",
    country: d.country ?? "",
    taxId: d.taxId?.value ?? "",
  };
}
