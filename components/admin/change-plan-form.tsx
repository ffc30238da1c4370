import type { FormAction } from "@/components/ui/action-state";
import { ActionForm } from "./action-form";
import { Field, inputClass } from "@/components/ui/field";

type Props = {
  action: FormAction;
  orgName: string;
  currentPlanId: string;
  currentCycle: "monthly" | "annual";
};

/** Change plan (Free / Pro, monthly or annual) through the billing service: Stripe follows. */
export function ChangePlanForm({ action, orgName, currentPlanId, currentCycle }: Props) {
  return (
    <ActionForm
      action={action}
      submitLabel="Change plan"
      confirm={{
        title: `Change the plan of ${orgName}?`,
        body: "Stripe is updated now: an increase is charged to the card on file at once; Free takes effect at the end of the period.",
        confirmLabel: "Change plan",
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Plan" id="f-plan">
          <select
            id="f-plan"
            name="planId"
            className={inputClass}
            defaultValue={currentPlanId === "free" ? "pro" : "free"}
          >
            <option value="free">Free</option>
            <option value="pro">Pro</option>
          </select>
        </Field>
        <Field label="Billing cycle" id="f-plan-cycle" hint="Ignored for Free.">
          <select id="f-plan-cycle" name="cycle" className={inputClass} defaultValue={currentCycle}>
            <option value="monthly">Monthly</option>
            <option value="annual">Annual</option>
          </select>
        </Field>
      </div>
    </ActionForm>
  );
}
