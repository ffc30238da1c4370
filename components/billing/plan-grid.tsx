"use client";

import { useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { annualSavingPercent, multiplyMinor } from "@/lib/money";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { formatDay, LIMIT_LABEL, LIMIT_METRICS, limitText, money, perCycle } from "./format";
import { ChangePlanButton, usePlanChange } from "./plan-change";
import type { Cycle, CurrentSubscription, PlanOption } from "./types";

type Choice =
  | { kind: "current"; label: string }
  | { kind: "change"; label: string; variant: "primary" | "secondary" }
  | { kind: "contact"; label?: string }
  | { kind: "blocked"; label: string; note: string };

/** What the button on a plan card does, given the chosen cycle and the current subscription. */
export function choiceFor(
  plan: PlanOption,
  cycle: Cycle,
  current: CurrentSubscription,
  rank: (id: string) => number,
  locale: string,
): Choice {
  // A contract changes through our team: every other plan is a request, not a button.
  if (current.contract)
    return plan.id === current.planId
      ? { kind: "current", label: "Your contract" }
      : { kind: "contact", label: plan.id === FREE_PLAN_ID ? "Ask to move to Free" : `Ask to move to ${plan.name}` };
  const custom = plan.monthlyCents === null || plan.annualCents === null;
  if (custom) return plan.id === current.planId ? { kind: "current", label: "Current plan" } : { kind: "contact" };
  if (plan.id === FREE_PLAN_ID) {
    if (current.planId === FREE_PLAN_ID) return { kind: "current", label: "Current plan" };
    if (current.cancelAtPeriodEnd)
      return {
        kind: "blocked",
        label: "Downgrade scheduled",
        note: `Free starts on ${formatDay(current.periodEnd, locale)}.`,
      };
    if (!current.billedInStripe) {
      return {
        kind: "blocked",
        label: "Downgrade to Free",
        note: "This plan was set up by hand and isn’t billed through Stripe: contact support to move to Free.",
      };
    }
    return { kind: "change", label: "Downgrade to Free", variant: "secondary" };
  }
  if (plan.id === current.planId) {
    // A paid plan set up by hand: the same plan and cycle can start being billed through Stripe.
    if (cycle === current.cycle && !current.billedInStripe)
      return { kind: "change", label: "Start paying through Stripe", variant: "primary" };
    if (cycle === current.cycle) return { kind: "current", label: "Current plan" };
    return { kind: "change", label: `Switch to ${cycle} billing`, variant: "primary" };
  }
  const up = rank(plan.id) > rank(current.planId);
  return {
    kind: "change",
    label: up ? `Upgrade to ${plan.name}` : `Change to ${plan.name}`,
    variant: up ? "primary" : "secondary",
  };
}

/** The plans side by side, with a monthly/annual switch showing the annual saving. */
export function PlanGrid({
  plans,
  current,
  members,
  locale,
}: {
  plans: PlanOption[];
  current: CurrentSubscription;
  members: number;
  locale: string;
}) {
  const [cycle, setCycle] = useState<Cycle>(current.planId === FREE_PLAN_ID ? "monthly" : current.cycle);
  const { canManage } = usePlanChange();
  const group = useId();
  const rank = (id: string) => plans.findIndex((p) => p.id === id);
  const saving = Math.max(
    0,
    ...plans.map((p) => (p.monthlyCents && p.annualCents ? annualSavingPercent(p.monthlyCents, p.annualCents) : 0)),
  );

  return (
    <div className="space-y-4">
      <fieldset className="inline-flex rounded-lg bg-zinc-100 p-1 text-sm dark:bg-zinc-800" data-testid="cycle-toggle">
        <legend className="sr-only">Billing cycle</legend>
        {(["monthly", "annual"] as const).map((c) => (
          <label
            key={c}
            className="relative cursor-pointer rounded-md px-3 py-1.5 font-medium text-zinc-700 has-[:checked]:bg-white has-[:checked]:text-zinc-900 has-[:checked]:shadow-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:text-zinc-300 dark:has-[:checked]:bg-zinc-950 dark:has-[:checked]:text-zinc-100"
          >
            <input
              type="radio"
              name={group}
              value={c}
              checked={cycle === c}
              onChange={() => setCycle(c)}
              className="sr-only"
            />
            {c === "monthly" ? "Monthly" : "Annual"}
            {c === "annual" && saving > 0 ? (
              <span className="ml-1.5 text-xs font-semibold text-emerald-700 dark:text-emerald-400">
                save {saving}%
              </span>
            ) : null}
          </label>
        ))}
      </fieldset>

      <ul className="grid gap-4 md:grid-cols-3">
        {plans.map((plan) => {
          const isCurrent = plan.id === current.planId;
          const contract = plan.contract ?? null;
          // A contract's card shows its own price and cycle, whatever the switch says.
          const shownCycle = contract ? contract.cycle : cycle;
          const unit = contract ? contract.unitCents : cycle === "annual" ? plan.annualCents : plan.monthlyCents;
          const seats = contract ? contract.seats : plan.perSeat ? Math.max(1, members) : 1;
          const choice = choiceFor(plan, cycle, current, rank, locale);
          const planSaving =
            plan.monthlyCents && plan.annualCents ? annualSavingPercent(plan.monthlyCents, plan.annualCents) : 0;
          return (
            <li
              key={plan.id}
              data-testid={`plan-${plan.id}`}
              className={`flex flex-col rounded-xl bg-white p-5 shadow-sm ring-1 dark:bg-zinc-900 ${isCurrent ? "ring-2 ring-indigo-600 dark:ring-indigo-400" : "ring-zinc-200 dark:ring-zinc-800"}`}
            >
              <div className="flex items-center justify-between gap-2">
                <h3 className="text-lg font-semibold">{plan.name}</h3>
                {isCurrent ? (
                  <Badge tone="indigo">
                    {contract ? "Your contract" : "Current"}
                    {plan.id !== FREE_PLAN_ID ? ` · ${current.cycle}` : ""}
                  </Badge>
                ) : null}
              </div>
              <p className="mt-1 min-h-10 text-sm text-zinc-600 dark:text-zinc-400">{plan.description}</p>

              <div className="mt-4 min-h-16">
                {unit === null ? (
                  <>
                    <p className="text-2xl font-semibold">Custom</p>
                    <p className="text-sm text-zinc-600 dark:text-zinc-400">Priced for your organization</p>
                  </>
                ) : unit === 0 ? (
                  <>
                    <p className="tabular text-2xl font-semibold">{money(0, plan.currency, locale, true)}</p>
                    <p className="text-sm text-zinc-600 dark:text-zinc-400">Free forever, up to its limits</p>
                  </>
                ) : (
                  <>
                    <p className="tabular text-2xl font-semibold" data-testid={`price-${plan.id}`}>
                      {money(unit, plan.currency, locale, true)}
                      <span className="text-sm font-normal text-zinc-600 dark:text-zinc-400">
                        {plan.perSeat || contract ? " per member" : ""} / {perCycle(shownCycle)}
                      </span>
                    </p>
                    <p className="tabular text-sm text-zinc-600 dark:text-zinc-400">
                      {plan.perSeat || contract
                        ? `${money(multiplyMinor(unit, seats), plan.currency, locale)} / ${perCycle(shownCycle)} for ${seats} ${seats === 1 ? "seat" : "seats"}`
                        : null}
                      {!contract && cycle === "annual" && planSaving > 0 ? (
                        <span className="font-medium text-emerald-700 dark:text-emerald-400">
                          {" "}
                          · save {planSaving}%
                        </span>
                      ) : null}
                    </p>
                  </>
                )}
              </div>

              <dl
                className="mt-4 space-y-1.5 border-t border-zinc-100 pt-4 text-sm dark:border-zinc-800"
                aria-label={contract ? `${plan.name} limits in your contract` : `${plan.name} limits`}
              >
                {LIMIT_METRICS.map((metric) => (
                  <div key={metric} className="flex justify-between gap-2">
                    <dt className="text-zinc-600 dark:text-zinc-400">{LIMIT_LABEL[metric]}</dt>
                    <dd className="tabular font-medium">{limitText(plan.limits, metric)}</dd>
                  </div>
                ))}
              </dl>

              <div className="mt-5 flex min-h-10 flex-1 flex-col justify-end gap-1">
                {choice.kind === "current" ? (
                  <p className="rounded-md py-2 text-center text-sm font-semibold text-indigo-700 ring-1 ring-indigo-200 dark:text-indigo-300 dark:ring-indigo-900">
                    {choice.label}
                  </p>
                ) : choice.kind === "contact" ? (
                  <a href="#enterprise" className={buttonClass({ variant: "secondary", className: "w-full" })}>
                    {choice.label ?? "Contact us"}
                  </a>
                ) : !canManage ? null : choice.kind === "blocked" ? (
                  <>
                    <button
                      type="button"
                      disabled
                      className={buttonClass({ variant: "secondary", className: "w-full" })}
                    >
                      {choice.label}
                    </button>
                    <p className="text-xs text-zinc-600 dark:text-zinc-400">{choice.note}</p>
                  </>
                ) : (
                  <ChangePlanButton
                    planId={plan.id}
                    cycle={plan.id === FREE_PLAN_ID ? "monthly" : cycle}
                    variant={choice.variant}
                    className="w-full"
                  >
                    {choice.label}
                  </ChangePlanButton>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
