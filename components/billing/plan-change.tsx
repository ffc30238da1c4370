"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, useTransition } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import type { Limits } from "@/lib/plans";
import { PlanChangeDialog } from "./plan-change-dialog";
import type {
  CardActions,
  CardEntryMode,
  CardSummary,
  Cycle,
  CurrentSubscription,
  PlanActions,
  PlanChangePreview,
} from "./types";

/**
 * One confirmation dialog for every plan change on the page (plan cards, the recommendation,
 * "Cancel subscription"): buttons anywhere under the provider open it for a plan and cycle.
 */

export type ChangeTarget = { planId: string; cycle: Cycle };

const Ctx = createContext<{ open: (t: ChangeTarget) => void; canManage: boolean } | null>(null);

export function usePlanChange() {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("usePlanChange needs a <PlanChangeProvider>");
  return ctx;
}

export function PlanChangeProvider({
  children,
  canManage,
  current,
  currentLimits,
  card,
  cardEntry,
  cardActions,
  actions,
  locale,
  membersHref,
  planNames,
}: {
  children: React.ReactNode;
  canManage: boolean;
  current: CurrentSubscription;
  currentLimits: Limits;
  card: CardSummary | null;
  cardEntry: CardEntryMode;
  cardActions: CardActions;
  actions: PlanActions;
  locale: string;
  membersHref: string;
  planNames: Record<string, string>;
}) {
  const [target, setTarget] = useState<ChangeTarget | null>(null);
  const [preview, setPreview] = useState<ActionState<PlanChangePreview>>(null);
  const [loading, startLoading] = useTransition();
  const request = useRef(0);
  const preview$ = actions.preview;
  const open = useCallback(
    (t: ChangeTarget) => {
      const n = ++request.current;
      setTarget(t);
      setPreview(null);
      startLoading(async () => {
        const fd = new FormData();
        fd.set("planId", t.planId);
        fd.set("cycle", t.cycle);
        const r = await preview$(fd);
        // A slower answer for a dialog the person already left doesn't replace the current one.
        if (n === request.current) setPreview(r);
      });
    },
    [preview$],
  );
  const value = useMemo(() => ({ open, canManage }), [open, canManage]);
  return (
    <Ctx.Provider value={value}>
      {children}
      {canManage ? (
        <PlanChangeDialog
          target={target}
          planName={target ? (planNames[target.planId] ?? target.planId) : ""}
          preview={loading ? null : preview}
          onClose={() => {
            request.current++;
            setTarget(null);
          }}
          onStale={() => {
            if (target) open(target);
          }}
          current={current}
          currentLimits={currentLimits}
          card={card}
          cardEntry={cardEntry}
          cardActions={cardActions}
          change={actions.change}
          locale={locale}
          membersHref={membersHref}
        />
      ) : null}
    </Ctx.Provider>
  );
}

/** A button that opens the change dialog; renders nothing for people who can't change billing. */
export function ChangePlanButton({
  planId,
  cycle,
  children,
  variant = "primary",
  size = "md",
  className,
  testId,
}: ChangeTarget & {
  children: React.ReactNode;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  testId?: string;
}) {
  const { open, canManage } = usePlanChange();
  if (!canManage) return null;
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      data-testid={testId}
      onClick={() => open({ planId, cycle })}
    >
      {children}
    </Button>
  );
}
