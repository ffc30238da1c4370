import type { Metadata } from "next";
import Link from "next/link";
import { BillingDetailsForm } from "@/components/billing/billing-details-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Toaster } from "@/components/ui/toast";
import { getDb } from "@/db/client";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import {
  addressLines,
  getBillingDetails,
  countryOptions,
  postalCodeExample,
  STATES,
  TAX_ID_RULES,
} from "@/lib/invoices";
import { saveBillingDetailsAction } from "./actions";
import { toDetailsView } from "./view";

export const metadata: Metadata = { title: "Billing details" };

export default async function BillingDetailsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { organization, role } = await requireOrgRole(slug, "member");
  const details = await getBillingDetails(await getDb(), organization.id);
  const canManage = canManageBilling(role);
  const countries = countryOptions();
  // What the form needs to be country-aware in the browser: plain data, no functions.
  const rules = Object.fromEntries(
    countries
      .filter((c) => postalCodeExample(c.code) || STATES[c.code] || TAX_ID_RULES[c.code])
      .map((c) => [
        c.code,
        {
          postal: postalCodeExample(c.code),
          state: STATES[c.code] ? { label: STATES[c.code]!.label, codes: STATES[c.code]!.codes } : null,
          taxId: TAX_ID_RULES[c.code]
            ? { label: TAX_ID_RULES[c.code]!.label, example: TAX_ID_RULES[c.code]!.example }
            : null,
        },
      ]),
  );

  return (
    <div className="space-y-6">
      <Toaster />
      <Link
        href={`/orgs/${slug}/billing/invoices`}
        className="inline-block text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300"
      >
        ← Invoices
      </Link>
      <PageHeader
        title="Billing details"
        description={`Who ${organization.name}’s invoices are made out to. They are printed on every invoice page and PDF, and kept on your Stripe customer so receipts agree.`}
      />
      {canManage ? (
        <Card>
          <BillingDetailsForm
            action={saveBillingDetailsAction.bind(null, slug)}
            initial={toDetailsView(details)}
            organizationName={organization.name}
            countries={countries}
            rules={rules}
          />
        </Card>
      ) : (
        <>
          <Notice tone="neutral" role="note" title="Read-only">
            Only owners and admins can change the billing details.
          </Notice>
          <Card>
            <dl className="grid gap-4 text-sm sm:grid-cols-2" data-testid="billing-details-readonly">
              <div>
                <dt className="text-zinc-600 dark:text-zinc-400">Billed to</dt>
                <dd className="font-medium">
                  {details.name}
                  {addressLines(details).map((l) => (
                    <span key={l} className="block font-normal">
                      {l}
                    </span>
                  ))}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-600 dark:text-zinc-400">Billing email</dt>
                <dd className="font-medium">{details.email ?? "—"}</dd>
                <dt className="mt-3 text-zinc-600 dark:text-zinc-400">Tax ID</dt>
                <dd className="font-medium">{details.taxId ? `${details.taxId.label} ${details.taxId.value}` : "—"}</dd>
              </div>
            </dl>
          </Card>
        </>
      )}
    </div>
  );
}
