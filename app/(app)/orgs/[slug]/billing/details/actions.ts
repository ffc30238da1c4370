"use server";

import { revalidatePath } from "next/cache";
import type { BillingDetailsView } from "@/components/billing/billing-details-form";
import { getDb } from "@/db/client";
import { userActor } from "@/lib/audit";
import { requireOrgRole } from "@/lib/auth/session";
import { saveBillingDetails } from "@/lib/billing";
import { runAction, type ActionResult } from "@/lib/http/action";
import { getStripe } from "@/lib/stripe/client";
import { toDetailsView } from "./view";

/** The form's fields, read by name (anything else the browser sends is ignored). */
const FIELDS = ["email", "name", "line1", "line2", "city", "state", "postalCode", "country", "taxId"] as const;

/** Save the billing details: owner or admin of this organization, checked here whatever the page showed. */
export async function saveBillingDetailsAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<BillingDetailsView>> {
  let message = "";
  const result = await runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const fields = Object.fromEntries(FIELDS.map((k) => [k, formData.get(k)]).filter(([, v]) => typeof v === "string"));
    const r = await saveBillingDetails(await getDb(), getStripe(), {
      organizationId: organization.id,
      actor: userActor(user),
      fields,
    });
    revalidatePath(`/orgs/${slug}/billing`, "layout");
    message = r.unchanged
      ? "Nothing to change: these are the details on file."
      : "Billing details saved. Your invoices and PDFs show them now.";
    return toDetailsView(r.details);
  });
  return result.ok ? { ...result, message } : result;
}
