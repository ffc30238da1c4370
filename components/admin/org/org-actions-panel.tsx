import { ActionForm, type ActionState } from "@/components/admin/action-form";
import { Field, inputClass } from "@/components/admin/form-fields";
import { SectionTitle } from "@/components/admin/page-header";
import { Card } from "@/components/ui/card";
import { formatLimit, LIMIT_LABEL } from "@/lib/admin/labels";
import type { OrgDetail } from "@/lib/admin/org-detail";
import { formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { LIMIT_KEYS } from "@/lib/plans/catalog";

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;
export type OrgActions = {
  overrideLimit: Action;
  removeOverride: Action;
  enterpriseTerms: Action;
  extendTrial: Action;
  suspend: Action;
  reactivate: Action;
};

function ActionCard({ title, children, description }: { title: string; description: React.ReactNode; children: React.ReactNode }) {
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
    <Field label={label} htmlFor={`f-${name}`}>
      <div className="flex items-center gap-3">
        <input id={`f-${name}`} name={name} type="number" min={0} step={1} inputMode="numeric" defaultValue={defaultValue ?? ""} className={inputClass} />
        <label className="flex shrink-0 items-center gap-1 text-sm">
          <input type="checkbox" name={`${name}Unlimited`} defaultChecked={defaultValue === null} /> Unlimited
        </label>
      </div>
    </Field>
  );
}

/** Every admin action on one organization; each asks for a reason and confirms first. */
export function OrgActionsPanel({ detail, actions }: { detail: OrgDetail; actions: OrgActions }) {
  const { organization: org, usage } = detail;
  const sub = usage.subscription;
  const overrides = sub?.limitOverrides ?? {};
  const overridden = LIMIT_KEYS.filter((k) => k in overrides);
  const customPriced = usage.plan.pricePerSeatMonthlyCents === null;
  const cycleWord = sub?.billingCycle === "annual" ? "year" : "month";

  return (
    <section aria-labelledby="actions">
      <SectionTitle id="actions">Actions</SectionTitle>
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <ActionCard title="Override a limit" description="Replaces one limit for this organization only, on top of its plan. Takes effect at once.">
          <ActionForm
            action={actions.overrideLimit}
            submitLabel="Override limit"
            confirm={{ title: `Override a limit of ${org.name}?`, body: "The new limit applies to the organization’s usage checks and dashboard at once.", confirmLabel: "Override limit" }}
          >
            <Field label="Limit" htmlFor="f-key">
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
          description={overridden.length ? `Overridden now: ${overridden.map((k) => `${LIMIT_LABEL[k]} ${formatLimit(overrides[k])}`).join(", ")}.` : "No limit is overridden for this organization."}
        >
          {overridden.length ? (
            <ActionForm
              action={actions.removeOverride}
              submitLabel="Remove override"
              confirm={{ title: "Remove the override?", body: "The plan’s (or Enterprise terms’) limit applies again at once.", confirmLabel: "Remove override" }}
            >
              <Field label="Override" htmlFor="f-remove-key">
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

        {customPriced ? (
          <ActionCard
            title="Enterprise terms"
            description={`The organization’s own limits and price per seat per ${cycleWord}${sub?.customPricePerSeatCents != null ? `, now ${formatMoney(sub.customPricePerSeatCents, usage.plan.currency)}` : ", not set yet"}. Stored on the local subscription.`}
          >
            <ActionForm
              action={actions.enterpriseTerms}
              submitLabel="Save terms"
              confirm={{ title: `Save Enterprise terms for ${org.name}?`, body: "Limits change at once; the price counts in MRR from now on.", confirmLabel: "Save terms" }}
            >
              <div className="grid gap-3 sm:grid-cols-2">
                {LIMIT_KEYS.map((k) => (
                  <LimitInput key={k} name={k} label={LIMIT_LABEL[k]} defaultValue={sub ? sub[k] : undefined} />
                ))}
                <Field label={`Price per seat per ${cycleWord} (${usage.plan.currency.toUpperCase()})`} htmlFor="f-price" hint="For example 420.00">
                  <input id="f-price" name="price" inputMode="decimal" required className={inputClass} />
                </Field>
              </div>
            </ActionForm>
          </ActionCard>
        ) : null}

        <ActionCard
          title="Extend the trial"
          description={sub?.status === "trialing" && sub.trialEnd ? `The trial ends ${formatDate(sub.trialEnd)}.` : "The organization is not in a trial."}
        >
          {sub?.status === "trialing" && sub.trialEnd ? (
            <ActionForm
              action={actions.extendTrial}
              submitLabel="Extend trial"
              confirm={{ title: "Extend the trial?", body: "The trial end moves later by the days given (from today if it already passed).", confirmLabel: "Extend trial" }}
            >
              <Field label="Days to add" htmlFor="f-days">
                <input id="f-days" name="days" type="number" min={1} max={180} defaultValue={14} required className={inputClass} />
              </Field>
            </ActionForm>
          ) : null}
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
              confirm={{ title: `Suspend ${org.name}?`, body: "Every API call from this organization will be refused at once.", confirmLabel: "Suspend organization" }}
            />
          </ActionCard>
        ) : (
          <ActionCard title="Reactivate" description={`Suspended: “${org.suspendedReason ?? "no reason recorded"}”. Reactivating lets its API keys work again.`}>
            <ActionForm
              action={actions.reactivate}
              submitLabel="Reactivate organization"
              confirm={{ title: `Reactivate ${org.name}?`, body: "Its API keys and limit checks work again at once.", confirmLabel: "Reactivate organization" }}
            />
          </ActionCard>
        )}
      </div>
      <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
        Plan changes, manual invoices and a resync from Stripe go through the billing service and are not in this console yet.
      </p>
    </section>
  );
}
