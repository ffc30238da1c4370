"use client";

import { startTransition, useActionState, useEffect, useRef, useState } from "react";
import type { FormAction } from "@/components/ui/action-state";
import type { AdminPlanPreview } from "@/lib/admin";
import { Field, inputClass } from "@/components/ui/field";
import { formatMoney } from "@/lib/money";
import { ActionForm } from "./action-form";

type Props = {
  action: FormAction;
  preview: FormAction<AdminPlanPreview>;
  orgName: string;
  currentPlanId: string;
  currentCycle: "monthly" | "annual";
};

/** What the preview says, in one sentence (also the confirmation's body). */
export function describePreview(p: AdminPlanPreview): string {
  const m = (cents: number) => formatMoney(cents, p.currency);
  if (p.effectiveAt)
    return `Moves to ${p.planName} on ${new Date(p.effectiveAt).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" })}, at the end of the paid period; nothing is charged or refunded now.`;
  const per = p.cycle === "annual" ? "year" : "month";
  const now =
    p.dueNowCents > 0
      ? `${m(p.dueNowCents)} is charged to the card on file now (prorated)`
      : p.dueNowCents < 0
        ? `${m(-p.dueNowCents)} is credited now (prorated)`
        : "nothing is charged now";
  return `${p.planName} (${p.cycle}), ${p.seats} ${p.seats === 1 ? "seat" : "seats"}: ${now}; then ${m(p.recurringCents)} per ${per}.`;
}

/**
 * Change plan (Free / Pro, monthly or annual) through the billing service: Stripe follows. The
 * form asks Stripe what the chosen change would charge whenever the choice changes, shows it, and
 * sends the priced state with the change: if the subscription changed in between, the change is
 * refused and the preview is asked again.
 */
export function ChangePlanForm({ action, preview, orgName, currentPlanId, currentCycle }: Props) {
  const [planId, setPlanId] = useState(currentPlanId === "free" ? "pro" : "free");
  const [cycle, setCycle] = useState(currentCycle);
  const [state, ask, asking] = useActionState(preview, null);
  const [outcome, setOutcome] = useState(0);
  const asked = useRef("");

  useEffect(() => {
    const key = `${planId}/${cycle}/${outcome}`;
    if (asked.current === key) return;
    asked.current = key;
    const fd = new FormData();
    fd.set("planId", planId);
    fd.set("cycle", cycle);
    startTransition(() => ask(fd));
  }, [planId, cycle, outcome, ask]);

  const p = state?.ok ? state.data : null;
  const text = asking
    ? "Asking Stripe what this change costs…"
    : p
      ? describePreview(p)
      : state && !state.ok
        ? `No preview: ${state.error}`
        : "Asking Stripe what this change costs…";
  // After a refusal (the subscription changed since the preview) or a change, price it again.
  const changeAction: FormAction = async (prev, fd) => {
    const result = await action(prev, fd);
    setOutcome((n) => n + 1);
    return result;
  };

  return (
    <ActionForm
      action={changeAction}
      submitLabel="Change plan"
      confirm={{
        title: `Change the plan of ${orgName}?`,
        body: p
          ? describePreview(p)
          : "Stripe is updated now: an increase is charged to the card on file at once; Free takes effect at the end of the period.",
        confirmLabel: "Change plan",
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Plan" id="f-plan">
          <select
            id="f-plan"
            name="planId"
            className={inputClass}
            value={planId}
            onChange={(e) => setPlanId(e.target.value)}
          >
            <option value="free">Free</option>
            <option value="pro">Pro</option>
          </select>
        </Field>
        <Field label="Billing cycle" id="f-plan-cycle" hint="Ignored for Free.">
          <select
            id="f-plan-cycle"
            name="cycle"
            className={inputClass}
            value={cycle}
            onChange={(e) => setCycle(e.target.value === "annual" ? "annual" : "monthly")}
          >
            <option value="monthly">Monthly</option>
            <option value="annual">Annual</option>
          </select>
        </Field>
      </div>
      {p && !asking ? <input type="hidden" name="previewState" value={p.stateToken} /> : null}
      <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="admin-plan-preview" aria-live="polite">
        {text}
      </p>
      {p && p.problems.length > 0 ? (
        <ul className="list-disc pl-5 text-sm text-amber-700 dark:text-amber-400">
          {p.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
    </ActionForm>
  );
}
