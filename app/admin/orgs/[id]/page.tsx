import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrgActionsPanel } from "@/components/admin/org/org-actions-panel";
import { OrgSummary } from "@/components/admin/org/org-summary";
import { ApiKeysTable, AuditTable, FlagsTable, InvoicesTable, MembersTable } from "@/components/admin/org/org-tables";
import { OrgUsage } from "@/components/admin/org/org-usage";
import { PageHeader } from "@/components/ui/page-header";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { getOrganizationDetailOrThrow, type OrgDetail, MAX_MANUAL_LINES } from "@/lib/admin";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getCustomerBalance } from "@/lib/invoices";
import { getStripe } from "@/lib/stripe/client";
import {
  changePlanAction,
  previewPlanAction,
  enterpriseTermsAction,
  extendTrialAction,
  manualInvoiceAction,
  overrideLimitAction,
  reactivateAction,
  removeOverrideAction,
  resyncAction,
  revokeKeyAction,
  suspendAction,
} from "./actions";
import { buttonClass } from "@/components/ui/button";

export const dynamic = "force-dynamic";
type Params = Promise<{ id: string }>;

async function load(id: string): Promise<OrgDetail> {
  try {
    return await getOrganizationDetailOrThrow(await getDb(), id);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  await requirePlatformAdmin();
  const { id } = await params;
  const detail = await load(id);
  return { title: detail.organization.name };
}

export default async function OrganizationPage({ params }: { params: Params }) {
  await requirePlatformAdmin();
  const { id } = await params;
  const detail = await load(id);
  const org = detail.organization;
  const balance = await getCustomerBalance(await getDb(), getStripe(), org.id);
  return (
    <div className="space-y-8">
      <PageHeader
        back={{ href: "/admin/orgs", label: "Organizations" }}
        title={org.name}
        description={`${org.slug} · ${detail.usage.plan.name}`}
        actions={
          <Link href={`/orgs/${org.slug}/billing`} className={buttonClass({ variant: "secondary" })}>
            Customer’s billing page
          </Link>
        }
      />
      {org.status === "suspended" ? (
        <Notice tone="error" role="status">
          <strong>Suspended.</strong> {org.suspendedReason ?? "No reason recorded."} Its API keys and limit checks
          answer 403.
        </Notice>
      ) : null}
      <OrgSummary detail={detail} balance={balance} />
      <OrgUsage detail={detail} />
      <OrgActionsPanel
        detail={detail}
        actions={{
          overrideLimit: overrideLimitAction.bind(null, org.id),
          removeOverride: removeOverrideAction.bind(null, org.id),
          enterpriseTerms: enterpriseTermsAction.bind(null, org.id, detail.usage.plan.currency),
          extendTrial: extendTrialAction.bind(null, org.id),
          suspend: suspendAction.bind(null, org.id),
          reactivate: reactivateAction.bind(null, org.id),
          changePlan: changePlanAction.bind(null, org.id),
          previewPlan: previewPlanAction.bind(null, org.id),
          resync: resyncAction.bind(null, org.id),
          manualInvoice: manualInvoiceAction.bind(null, org.id, detail.usage.plan.currency),
        }}
        manualInvoiceLines={MAX_MANUAL_LINES}
      />
      <MembersTable members={detail.members} />
      <ApiKeysTable keys={detail.apiKeys} revoke={revokeKeyAction.bind(null, org.id)} />
      <FlagsTable flags={detail.flags} />
      <InvoicesTable invoices={detail.invoices} />
      <AuditTable entries={detail.audit} slug={org.slug} />
    </div>
  );
}
