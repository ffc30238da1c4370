import { ActionForm } from "@/components/admin/action-form";
import type { FormAction } from "@/components/ui/action-state";
import { ChangePlanForm } from "@/components/admin/change-plan-form";
import { ManualInvoiceForm } from "@/components/admin/manual-invoice-form";
import { SectionHeading } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { formatLimit, LIMIT_LABEL, type AdminPlanPreview, type OrgDetail } from "@/lib/admin";
import { formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { LIMIT_KEYS } from "@/lib/plans";
import { Field, inputClass } from "@/components/ui/field";

export type OrgActions = {
  overrideLimit: FormAction;
  removeOverride: FormAction;
  enterpriseTerms: FormAction;
  extendTrial: FormAction;
  suspend: FormAction;
  reactivate: FormAction;
  changePlan: FormAction;
  previewPlan: FormAction<AdminPlanPreview>;
  resync: FormAction;
  manualInvoice: FormAction;
};

function ActionCard({
  title,
  children,
  description,
}: {
  title: string;
  description: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Card>
      <h3 className="font-semibold">{title}</h3>
      <p className="mt-1 mb-3 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
      {children}
    </Card>
  );
}

function LimitInput({ name, label, defaultValue }: { name: string; label: string; defaultValue?: number | null }) {
  return (
    <Field label={label} id={`f-${name}`}>
      <div className="flex items-center gap-3">
        <input
          id={`f-${name}`}
          name={name}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          defaultValue={defaultValue ?? ""}
          className={inputClass}
        />
        <label className="flex shrink-0 items-center gap-1 text-sm">
          <input type="checkbox" name={`${name}Unlimited`} defaultChecked={defaultValue === null} /> Unlimited
        </label>
      </div>
    </Field>
  );
}

/** Every admin action on one organization; each asks for a reason and confirms first. */
export function OrgActionsPanel({
  detail,
  actions,
  manualInvoiceLines,
}: {
  detail: OrgDetail;
  actions: OrgActions;
  manualInvoiceLines: number;
}) {
  const { organization: org, usage } = detail;
  const sub = usage.subscription;
  const overrides = sub?.limitOverrides ?? {};
  const overridden = LIMIT_KEYS.filter((k) => k in overrides);
  const customPriced = usage.plan.pricePerSeatMonthlyCents === null;
  const cycleWord = sub?.billingCycle === "annual" ? "year" : "month";

  return (
    <section aria-labelledby="actions">
      <SectionHeading id="actions">Actions</SectionHeading>
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <ActionCard
          title="Override a limit"
          description="Replaces one limit for this organization only, on top of its plan. Takes effect at once."
        >
          <ActionForm
            action={actions.overrideLimit}
            submitLabel="Override limit"
            confirm={{
              title: `Override a limit of ${org.name}?`,
              body: "The new limit applies to the organization’s usage checks and dashboard at once.",
              confirmLabel: "Override limit",
            }}
          >
            <Field label="Limit" id="f-key">
              <select id="f-key" name="key" className={inputClass} defaultValue="maxAgents">
                {LIMIT_KEYS.map((k) => (
                  <option key={k} value={k}>
                    {LIMIT_LABEL[k]} (now {formatLimit(usage.limits[k])})
                  </option>
                ))}
              </select>
            </Field>
            <LimitInput name="value" label="New limit" />
          </ActionForm>
        </ActionCard>

        <ActionCard
          title="Remove an override"
          description={
            overridden.length
              ? `Overridden now: ${overridden.map((k) => `${LIMIT_LABEL[k]} ${formatLimit(overrides[k])}`).join(", ")}.`
              : "No limit is overridden for this organization."
          }
        >
          {overridden.length ? (
            <ActionForm
              action={actions.removeOverride}
              submitLabel="Remove override"
              confirm={{
                title: "Remove the override?",
                body: "The plan’s (or Enterprise terms’) limit applies again at once.",
                confirmLabel: "Remove override",
              }}
            >
              <Field label="Override" id="f-remove-key">
                <select id="f-remove-key" name="key" className={inputClass}>
                  {overridden.map((k) => (
                    <option key={k} value={k}>
                      {LIMIT_LABEL[k]} ({formatLimit(overrides[k])})
                    </option>
                  ))}
                </select>
              </Field>
            </ActionForm>
          ) : null}
        </ActionCard>

        <ActionCard
          title="Change plan"
          description={`Now on ${usage.plan.name}${sub ? ` (${sub.billingCycle})` : ""}. Goes through the billing service, so Stripe follows; refused without a card on file or when current use doesn’t fit.`}
        >
          <ChangePlanForm
            action={actions.changePlan}
            preview={actions.previewPlan}
            orgName={org.name}
            currentPlanId={usage.plan.id}
            currentCycle={sub?.billingCycle ?? "monthly"}
          />
        </ActionCard>

        <ActionCard
          title="Enterprise terms"
          description={
            customPriced
              ? `The organization’s own limits and price per seat per ${cycleWord}${sub?.customPricePerSeatCents != null ? `, now ${formatMoney(sub.customPricePerSeatCents, usage.plan.currency)}` : ", not set yet"}. Stripe follows.`
              : "Moves the organization to Enterprise with its own price per seat and limits. Stripe follows: charged to the card on file, or invoiced (30 days) without one."
          }
        >
          <ActionForm
            action={actions.enterpriseTerms}
            submitLabel="Save terms"
            confirm={{
              title: `Save Enterprise terms for ${org.name}?`,
              body: "Limits change at once and the Stripe subscription moves to the new price.",
              confirmLabel: "Save terms",
            }}
          >
            <div className="grid gap-3 sm:grid-cols-2">
              {LIMIT_KEYS.map((k) => (
                <LimitInput
                  key={k}
                  name={k}
                  label={LIMIT_LABEL[k]}
                  defaultValue={customPriced && sub ? sub[k] : undefined}
                />
              ))}
              <Field label="Billing cycle" id="f-cycle">
                <select id="f-cycle" name="cycle" className={inputClass} defaultValue={sub?.billingCycle ?? "annual"}>
                  <option value="monthly">Monthly</option>
                  <option value="annual">Annual</option>
                </select>
              </Field>
              <Field
                label={`Price per seat per cycle (${usage.plan.currency.toUpperCase()})`}
                id="f-price"
                hint="For example 420.00"
              >
                <input id="f-price" name="price" inputMode="decimal" required className={inputClass} />
              </Field>
            </div>
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              A blank limit keeps the Enterprise plan’s default.
            </p>
          </ActionForm>
        </ActionCard>

        <ActionCard
          title="Extend the trial"
          description={
            sub?.status === "trialing" && sub.trialEnd
              ? `The trial ends ${formatDate(sub.trialEnd)}.`
              : "The organization is not in a trial."
          }
        >
          {sub?.status === "trialing" && sub.trialEnd ? (
            <ActionForm
              action={actions.extendTrial}
              submitLabel="Extend trial"
              confirm={{
                title: "Extend the trial?",
                body: "The trial end moves later by the days given (from today if it already passed).",
                confirmLabel: "Extend trial",
              }}
            >
              <Field label="Days to add" id="f-days">
                <input
                  id="f-days"
                  name="days"
                  type="number"
                  min={1}
                  max={180}
                  defaultValue={14}
                  required
                  className={inputClass}
                />
              </Field>
            </ActionForm>
          ) : null}
        </ActionCard>

        <ActionCard
          title="Create a manual invoice"
          description={`An open invoice with your own lines (up to ${manualInvoiceLines}), in ${usage.plan.currency.toUpperCase()}, numbered per organization.`}
        >
          <ManualInvoiceForm
            action={actions.manualInvoice}
            orgName={org.name}
            currency={usage.plan.currency}
            lines={manualInvoiceLines}
          />
        </ActionCard>

        <ActionCard
          title="Resync from Stripe"
          description={`Makes our subscription, invoices and card on file equal Stripe’s${org.stripeCustomerId ? "" : " (this organization has no Stripe customer yet: nothing to sync)"}. Safe to repeat.`}
        >
          <ActionForm
            action={actions.resync}
            submitLabel="Resync from Stripe"
            confirm={{
              title: `Resync ${org.name} from Stripe?`,
              body: "Local billing rows are overwritten with what Stripe holds now.",
              confirmLabel: "Resync from Stripe",
            }}
          />
        </ActionCard>

        {org.status === "active" ? (
          <ActionCard
            title="Suspend"
            description="The organization’s API keys and limit checks answer 403 with the reason below until it is reactivated. Its data stays."
          >
            <ActionForm
              action={actions.suspend}
              submitLabel="Suspend organization"
              danger
              reasonLabel="Reason (shown to its API clients and kept in the audit log)"
              confirm={{
                title: `Suspend ${org.name}?`,
                body: "Every API call from this organization will be refused at once.",
                confirmLabel: "Suspend organization",
              }}
            />
          </ActionCard>
        ) : (
          <ActionCard
            title="Reactivate"
            description={`Suspended: “${org.suspendedReason ?? "no reason recorded"}”. Reactivating lets its API keys work again.`}
          >
            <ActionForm
              action={actions.reactivate}
              submitLabel="Reactivate organization"
              confirm={{
                title: `Reactivate ${org.name}?`,
                body: "Its API keys and limit checks work again at once.",
                confirmLabel: "Reactivate organization",
              }}
            />
          </ActionCard>
        )}
      </div>
    </section>
  );
}
