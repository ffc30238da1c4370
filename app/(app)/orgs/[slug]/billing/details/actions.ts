"use server";

import { saveBillingDetails } from "@/lib/billing";
import { orgAction } from "@/lib/http/action";
import { billingDetailsSchema } from "@/lib/invoices";
import type { BillingDetailsView } from "@/components/billing/billing-details-form";
import { toDetailsView } from "./view";

type Saved = BillingDetailsView & { unchanged: boolean };

/** Save the billing details: owners and admins of the organization (checked here, whatever the page showed). */
export const saveBillingDetailsAction = orgAction(
  {
    role: "admin",
    schema: billingDetailsSchema,
    // Every invoice page and PDF prints them.
    revalidate: (slug) => [{ layout: `/orgs/${slug}/billing` }],
    message: (r: Saved) =>
      r.unchanged
        ? "Nothing to change: these are the details on file."
        : "Billing details saved. Your invoices and PDFs show them now.",
  },
  async (details, { db, stripe, organization, actor }): Promise<Saved> => {
    const r = await saveBillingDetails(db, stripe, { organizationId: organization.id, actor, details });
    return { ...toDetailsView(r.details), unchanged: r.unchanged };
  },
);
