import type { Metadata } from "next";
import Link from "next/link";
import { CurrentPlanCard } from "@/components/billing/current-plan-card";
import { EnterpriseContactForm } from "@/components/billing/enterprise-contact-form";
import { formatDay, pastDueInvoiceOf } from "@/components/billing/format";
import { PaymentMethodPanel } from "@/components/billing/payment-method-panel";
import { PlanBanners } from "@/components/billing/plan-banners";
import { PlanChangeProvider } from "@/components/billing/plan-change";
import { PlanGrid } from "@/components/billing/plan-grid";
import { RecommendationCard } from "@/components/billing/recommendation-card";
import type { CardEntryMode, CurrentSubscription, PlanOption } from "@/components/billing/types";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { Toaster } from "@/components/ui/toast";
import { getDb } from "@/db/client";
import { getCustomerBalance } from "@/lib/invoices";
import { getStripe } from "@/lib/stripe/client";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import { TEST_CARDS } from "@/lib/billing";
import { recurringAmount } from "@/lib/plans";
import { getPaymentMethod, listPlanOptions } from "@/lib/billing/plan-options";
import { isContractPlan } from "@/lib/billing/self-service";
import { recommendPlan } from "@/lib/billing/recommend";
import { env, publicEnv } from "@/lib/env";
import { getRequestLocale } from "@/lib/http/locale";
import { listEnterpriseRequests } from "@/lib/orgs/enterprise-requests";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { limitsOf } from "@/lib/plans/limits";
import { getPeriodComparison, getUsageOverview } from "@/lib/usage";
import { getOutstandingInvoice } from "@/lib/usage/trends";
import {
  attachCardAction,
  changePlanAction,
  completeTestAuthenticationAction,
  createSetupIntentAction,
  finalizeSetupIntentAction,
  previewPlanChangeAction,
  requestEnterpriseAction,
  resumeSubscriptionAction,
} from "./actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  // ?card=update (the dashboard's "Update card"): the card form opens at once.
  const openCardForm = (await searchParams).card === "update";
  const { organization, role, user } = await requireOrgRole(slug, "member");
  const canManage = canManageBilling(role);
  const db = await getDb();
  const [overview, card, comparison, requests, locale, balance, outstanding] = await Promise.all([
    getUsageOverview(db, organization.id),
    getPaymentMethod(db, organization.id),
    getPeriodComparison(db, organization.id),
    listEnterpriseRequests(db, organization.id),
    getRequestLocale(),
    getCustomerBalance(db, getStripe(), organization.id),
    getOutstandingInvoice(db, organization.id),
  ]);
  const planRows = await listPlanOptions(db, overview.plan.id);
  const { plan, subscription: sub } = overview;
  const members = overview.metrics.find((m) => m.metric === "users")?.used ?? 1;
  const free = plan.id === FREE_PLAN_ID;
  // Enterprise is a contract: its own price and limits, changed by our team on request.
  const onContract =
    isContractPlan(plan) && sub !== null && sub.status !== "canceled" && sub.status !== "incomplete_expired";

  const plans: PlanOption[] = planRows.map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    currency: p.currency,
    perSeat: p.perSeat,
    monthlyCents: p.pricePerSeatMonthlyCents,
    annualCents: p.pricePerSeatAnnualCents,
    ...(onContract && p.id === plan.id
      ? {
          limits: overview.limits,
          contract: { unitCents: sub.customPricePerSeatCents, cycle: sub.billingCycle, seats: sub.seats },
        }
      : { limits: limitsOf(p) }),
  }));
  const current: CurrentSubscription = {
    planId: plan.id,
    planName: plan.name,
    cycle: sub?.billingCycle ?? "monthly",
    status: sub?.status ?? "active",
    seats: sub?.seats ?? 1,
    cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
    periodEnd: (free ? overview.usagePeriod.end : (sub?.currentPeriodEnd ?? null))?.toISOString() ?? null,
    billedInStripe:
      Boolean(sub?.stripeSubscriptionId) && sub?.status !== "canceled" && sub?.status !== "incomplete_expired",
    contract: onContract,
  };
  const recommendation = recommendPlan({
    plans,
    currentPlanId: plan.id,
    cycle: current.cycle,
    members,
    usage: overview.metrics.map((m) => ({ metric: m.metric, used: m.used, limit: m.limit })),
    previousExecutions: [comparison.metrics.find((m) => m.metric === "executions")?.previous ?? 0],
    billedInStripe: current.billedInStripe,
    status: current.status,
    locale,
  });
  const publishableKey = publicEnv().stripePublishableKey;
  const cardEntry: CardEntryMode = publishableKey
    ? { kind: "stripe", publishableKey }
    : { kind: "test", cards: TEST_CARDS.map((c) => ({ ...c })) };
  const cardActions = {
    attach: attachCardAction.bind(null, slug),
    createSetupIntent: createSetupIntentAction.bind(null, slug),
    finalize: finalizeSetupIntentAction.bind(null, slug),
    authenticate: completeTestAuthenticationAction.bind(null, slug),
  };
  const resume = resumeSubscriptionAction.bind(null, slug);
  const now = new Date();
  const expired = card
    ? card.expYear < now.getUTCFullYear() ||
      (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1)
    : false;

  return (
    <div className="space-y-8">
      <Toaster />
      <PageHeader
        title="Plan"
        description={
          onContract
            ? `${organization.name}’s ${plan.name} contract, what each plan includes, and the card it’s paid with. Our team changes the contract on request.`
            : canManage
              ? `Choose ${organization.name}’s plan and billing cycle, and the card it’s paid with. Prices are per member; changes are prorated by Stripe.`
              : `${organization.name}’s plan, what each plan includes, and the card on file.`
        }
      />
      <PlanChangeProvider
        canManage={canManage}
        current={current}
        currentLimits={overview.limits}
        card={card}
        cardEntry={cardEntry}
        cardActions={cardActions}
        actions={{
          preview: previewPlanChangeAction.bind(null, slug),
          change: changePlanAction.bind(null, slug),
          resume,
        }}
        locale={locale}
        membersHref={`/orgs/${slug}/members`}
        planNames={Object.fromEntries(plans.map((p) => [p.id, p.name]))}
      >
        <div className="space-y-4">
          {!canManage ? (
            <Notice tone="neutral" role="note" title="Read-only">
              Only owners and admins can change the plan or the card. You can see what {organization.name} is on and
              what each plan includes.
            </Notice>
          ) : null}
          <PlanBanners
            current={current}
            organizationName={organization.name}
            canManage={canManage}
            resume={resume}
            degradedToFree={overview.degradedToFree}
            pastDue={pastDueInvoiceOf(sub, outstanding, plan.currency, env().dunningGraceDays)}
            locale={locale}
          />
          <CurrentPlanCard
            current={current}
            recurringCents={recurringAmount(plan, sub)}
            changeHref={onContract ? "#enterprise" : null}
            suspended={organization.status === "suspended"}
            currency={plan.currency}
            card={card}
            balance={balance}
            locale={locale}
          />
          {recommendation ? (
            <RecommendationCard
              recommendation={recommendation}
              targetName={plans.find((p) => p.id === recommendation.target?.planId)?.name ?? ""}
            />
          ) : null}
        </div>

        <section aria-labelledby="plans-heading">
          <SectionHeading id="plans-heading">Plans</SectionHeading>
          <PlanGrid plans={plans} current={current} members={members} locale={locale} />
        </section>
      </PlanChangeProvider>

      <section aria-labelledby="payment-method-heading" id="payment-method" className="scroll-mt-6">
        <SectionHeading
          id="payment-method-heading"
          aside={
            <Link
              href={`/orgs/${slug}/billing/details`}
              className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
            >
              Billing details (address, tax ID) →
            </Link>
          }
        >
          Payment method
        </SectionHeading>
        <Card>
          <PaymentMethodPanel
            card={card}
            canManage={canManage}
            mode={cardEntry}
            actions={cardActions}
            expired={expired}
            openAtStart={openCardForm}
          />
        </Card>
      </section>

      <section aria-labelledby="enterprise-heading" id="enterprise" className="scroll-mt-6">
        <SectionHeading id="enterprise-heading">
          {onContract ? "Change your contract" : "Talk to us about Enterprise"}
        </SectionHeading>
        <Card className="space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {onContract
              ? `${organization.name}’s ${plan.name} contract (its price, seats and limits above) is changed by our team, not here. Tell us what should change (more seats, other limits, another cycle, moving to another plan or cancelling) and we reply by email within one business day.`
              : "Custom limits, a price set for your volume, annual invoicing and a named contact. Tell us what you need and our team replies by email within one business day."}
          </p>
          {requests.length > 0 ? (
            <ul className="space-y-1 text-sm" aria-label="Your requests">
              {requests.map((r) => (
                <li key={r.id} className="text-zinc-700 dark:text-zinc-300" data-testid="enterprise-request">
                  Request of {formatDay(r.createdAt.toISOString(), locale)} for {r.expectedSeats ?? "?"} seats, reply to{" "}
                  {r.contactEmail}:{" "}
                  <span className="font-medium">{r.status === "open" ? "we’re on it" : r.status}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {canManage ? (
            <EnterpriseContactForm
              action={requestEnterpriseAction.bind(null, slug)}
              defaultEmail={user.email}
              defaultSeats={Math.max(onContract ? sub.seats : members, 1)}
              messageLabel={onContract ? "What should change?" : undefined}
              messageHint={
                onContract
                  ? "Seats, limits, the billing cycle, another plan or cancelling: say what and from when."
                  : undefined
              }
            />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Ask an owner or admin of {organization.name} to send a request.
            </p>
          )}
        </Card>
      </section>
    </div>
  );
}
