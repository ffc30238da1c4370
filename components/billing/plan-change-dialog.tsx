"use client";

import Link from "next/link";
import { useRef, useState, useTransition } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { FREE_PLAN_ID, limitLabel, type Limits } from "@/lib/plans";
import { CardForm } from "./card-form";
import { billedText, cardLabel, compareLimit, formatDay, LIMIT_METRICS, limitText, money, perCycle } from "./format";
import type {
  CardActions,
  CardEntryMode,
  CardSummary,
  Cycle,
  CurrentSubscription,
  PlanActions,
  PlanChangePreview,
} from "./types";

type Target = { planId: string; cycle: Cycle };

/** A random id for one attempt (crypto.randomUUID needs a secure context; getRandomValues doesn't). */
function newAttemptId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function titleFor(target: Target, planName: string, current: CurrentSubscription): { title: string; verb: string } {
  if (target.planId === FREE_PLAN_ID) return { title: `Cancel ${current.planName}`, verb: "Cancel at period end" };
  if (!current.billedInStripe)
    return { title: `Subscribe to ${planName}, ${billedText(target.cycle)}`, verb: "subscribe" };
  if (target.planId === current.planId) return { title: `Switch to ${target.cycle} billing`, verb: "switch" };
  return { title: `Change to ${planName}, ${billedText(target.cycle)}`, verb: "change plan" };
}

/** The confirmation of a plan change: Stripe's proration preview, what changes in limits, the card, and refusals that say what to reduce. */
export function PlanChangeDialog({
  target,
  planName,
  preview,
  onClose,
  onStale,
  current,
  currentLimits,
  card,
  cardEntry,
  cardActions,
  change,
  locale,
  membersHref,
}: {
  target: Target | null;
  planName: string;
  preview: ActionState<PlanChangePreview>;
  onClose: () => void;
  /** The subscription changed since the preview: fetch a fresh one (the refusal stays on screen). */
  onStale: () => void;
  current: CurrentSubscription;
  currentLimits: Limits;
  card: CardSummary | null;
  cardEntry: CardEntryMode;
  cardActions: CardActions;
  change: PlanActions["change"];
  locale: string;
  membersHref: string;
}) {
  const [saved, setSaved] = useState<CardSummary | null>(null);
  const [replacing, setReplacing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [reason, setReason] = useState("");
  const [pending, startTransition] = useTransition();
  // One attempt: kept while its answer is unknown (a retry after a lost answer is the same request),
  // replaced after a refusal or a success, so a declined attempt never answers the next one.
  const attempt = useRef<string | null>(null);
  // The card saved in this dialog is the one charged now, whatever the page said before.
  const cardOnFile = saved ?? card;
  if (!target) return null;

  const toFree = target.planId === FREE_PLAN_ID;
  const { title, verb } = titleFor(target, planName, current);
  const p = preview?.ok ? preview.data : null;
  const needsCard = !toFree && (!cardOnFile || replacing);
  const confirmLabel = toFree
    ? verb
    : p && p.dueNowCents > 0
      ? `Pay ${money(p.dueNowCents, p.currency, locale)} and ${verb}`
      : `Confirm: ${verb}`;

  const close = () => {
    setError(null);
    setStale(false);
    setReason("");
    attempt.current = null;
    setReplacing(false);
    onClose();
  };
  const cardSaved = (c: CardSummary) => {
    setSaved(c);
    setReplacing(false);
    setError(null);
  };
  const confirm = () =>
    startTransition(async () => {
      if (!p) return;
      setError(null);
      setStale(false);
      attempt.current ??= newAttemptId();
      const fd = new FormData();
      fd.set("planId", target.planId);
      fd.set("cycle", target.cycle);
      fd.set("attemptId", attempt.current);
      // The confirm applies to what was shown: the server refuses it if the subscription changed since.
      fd.set("previewState", p.stateToken);
      if (toFree && reason.trim()) fd.set("reason", reason.trim());
      let r: Awaited<ReturnType<typeof change>>;
      try {
        r = await change(null, fd);
      } catch {
        // No answer (connection lost): trying again repeats this same attempt, never a second charge.
        setError("We couldn't hear back from the server. Try again: the change won't be made twice.");
        return;
      }
      attempt.current = null;
      if (r?.ok) {
        toast({
          tone: "success",
          title: toFree
            ? "Cancellation scheduled"
            : r.data.unchanged
              ? "Nothing changed"
              : `You're on ${planName}, ${billedText(target.cycle)}`,
          description: r.message,
        });
        close();
      } else {
        // Said in the dialog (role=alert): a toast would sit behind the modal.
        setError(r?.error ?? "The change didn't go through. Try again.");
        if (r?.fieldErrors?.previewState) {
          setStale(true);
          onStale();
        }
      }
    });

  return (
    <ConfirmDialog
      open
      size="lg"
      onClose={close}
      onConfirm={confirm}
      title={title}
      description={
        toFree
          ? `You keep ${current.planName} until ${formatDay(p?.effectiveAt ?? current.periodEnd, locale)}. Then your organization moves to Free: nothing is deleted, and you can resume any time before that day.`
          : "Review what Stripe will charge and what changes before you confirm."
      }
      confirmLabel={confirmLabel}
      cancelLabel={toFree ? `Keep ${current.planName}` : "Cancel"}
      pendingLabel={toFree ? "Cancelling…" : "Confirming…"}
      pending={pending}
      confirmDisabled={!p || !p.fits || needsCard}
      variant={toFree ? "danger" : "primary"}
    >
      {!preview ? (
        <div className="space-y-3" aria-label="Loading the preview">
          <Skeleton className="h-4 w-2/3" />
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-16 w-full" />
        </div>
      ) : !preview.ok ? (
        <Notice tone="error" role="alert" title="We couldn't prepare this change">
          {preview.error}
        </Notice>
      ) : (
        <PreviewBody
          preview={preview.data}
          currentLimits={currentLimits}
          locale={locale}
          membersHref={membersHref}
          toFree={toFree}
        />
      )}

      {toFree && p ? (
        <div className="space-y-1">
          <label htmlFor="cancel-reason" className="text-sm font-medium">
            Why are you cancelling? <span className="font-normal text-zinc-500 dark:text-zinc-400">(optional)</span>
          </label>
          <textarea
            id="cancel-reason"
            name="reason"
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="cancel-reason"
          />
        </div>
      ) : null}

      {p && p.fits && !toFree ? (
        <section aria-label="Payment method" className="space-y-2">
          {cardOnFile && !replacing ? (
            <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm text-zinc-700 dark:text-zinc-300">
              <span>
                Charged to <span className="font-medium">{cardLabel(cardOnFile)}</span>.
              </span>
              <button
                type="button"
                onClick={() => setReplacing(true)}
                disabled={pending}
                className="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900 disabled:opacity-60 dark:text-indigo-300"
              >
                Use another card
              </button>
            </p>
          ) : (
            <div
              className="space-y-3 rounded-lg p-4 ring-1 ring-zinc-200 dark:ring-zinc-700"
              data-testid="dialog-card-form"
            >
              <h3 className="text-sm font-semibold">{cardOnFile ? "Use another card" : "Add a card to continue"}</h3>
              <CardForm
                mode={cardEntry}
                actions={cardActions}
                onSaved={cardSaved}
                submitLabel={cardOnFile ? "Save and use this card" : "Save card"}
              />
              {cardOnFile ? (
                <button
                  type="button"
                  onClick={() => setReplacing(false)}
                  className="text-sm font-medium text-zinc-600 underline underline-offset-2 hover:text-zinc-900 dark:text-zinc-400"
                >
                  Keep {cardLabel(cardOnFile)}
                </button>
              ) : null}
            </div>
          )}
        </section>
      ) : null}

      {error ? (
        <Notice
          tone={stale ? "warning" : "error"}
          role="alert"
          title={stale ? "Your subscription changed" : "The change didn't go through"}
          testId="plan-change-error"
        >
          {error}
          {!stale && !toFree && cardOnFile && !replacing ? (
            <>
              {" "}
              <button
                type="button"
                onClick={() => setReplacing(true)}
                className="font-semibold underline underline-offset-2"
              >
                Use another card
              </button>{" "}
              and confirm again.
            </>
          ) : null}
        </Notice>
      ) : null}
    </ConfirmDialog>
  );
}

function PreviewBody({
  preview: p,
  currentLimits,
  locale,
  membersHref,
  toFree,
}: {
  preview: PlanChangePreview;
  currentLimits: Limits;
  locale: string;
  membersHref: string;
  toFree: boolean;
}) {
  const m = (n: number) => money(n, p.currency, locale);
  return (
    <div className="space-y-4" data-testid="proration-preview">
      {!p.fits ? (
        <Notice
          tone="error"
          role="alert"
          title={`Your current use doesn’t fit ${p.planName} yet`}
          testId="plan-change-problems"
        >
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {p.problems.map((x) => (
              <li key={x.metric}>{x.message}</li>
            ))}
          </ul>
          {p.problems.some((x) => x.metric === "users") ? (
            <Link href={membersHref} className="mt-2 inline-block font-semibold underline underline-offset-2">
              Manage members
            </Link>
          ) : null}
        </Notice>
      ) : null}

      {!toFree && p.undoesCancellation ? (
        <Notice tone="warning" role="note" title="This undoes your cancellation" testId="undoes-cancellation">
          Your cancellation is scheduled. Confirming this change also cancels that: the subscription renews as usual.
        </Notice>
      ) : null}

      {toFree && p.overAfter.length > 0 ? (
        <Notice tone="warning" role="note" title="Over Free’s limits after that day" testId="cancel-over-limits">
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {p.overAfter.map((x) => (
              <li key={x.metric}>{x.text}</li>
            ))}
          </ul>
          <p className="mt-2">
            Nothing is deleted. Adding more of these is refused until you’re within Free’s limits or subscribe again.
          </p>
        </Notice>
      ) : null}

      {!toFree && p.lines.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="pb-2 text-left text-sm font-semibold">Charged now</caption>
            <thead className="sr-only">
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {p.lines.map((l, i) => (
                <tr key={i}>
                  <td className="py-2 pr-3 text-zinc-700 dark:text-zinc-300">
                    {l.description}
                    {l.proration ? (
                      <>
                        {" "}
                        <span className="text-xs text-zinc-500 dark:text-zinc-400">(prorated)</span>
                      </>
                    ) : null}
                  </td>
                  <td
                    className={`tabular py-2 text-right whitespace-nowrap ${l.amountCents < 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                  >
                    {l.amountCents < 0 ? `Credit ${m(-l.amountCents)}` : m(l.amountCents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <dl className="grid gap-3 rounded-lg bg-zinc-50 p-4 text-sm sm:grid-cols-2 dark:bg-zinc-950/60">
        {toFree ? (
          <>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Takes effect</dt>
              <dd className="font-semibold">{formatDay(p.effectiveAt, locale)}</dd>
            </div>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Then you pay</dt>
              <dd className="font-semibold">Nothing: Free costs {m(0)}</dd>
            </div>
          </>
        ) : (
          <>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Due today</dt>
              <dd className="tabular text-lg font-semibold" data-testid="due-now">
                {m(Math.max(0, p.dueNowCents))}
              </dd>
              <DueTodayWhy preview={p} m={m} />
            </div>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Then</dt>
              <dd className="tabular text-lg font-semibold" data-testid="new-recurring">
                {m(p.recurringCents)} / {perCycle(p.cycle)}
              </dd>
              <dd className="text-xs text-zinc-600 dark:text-zinc-400">
                {p.seats} {p.seats === 1 ? "seat" : "seats"}, {billedText(p.cycle)}
              </dd>
            </div>
          </>
        )}
      </dl>

      <table className="w-full text-sm">
        <caption className="pb-2 text-left text-sm font-semibold">What changes in limits</caption>
        <thead>
          <tr className="text-left text-xs text-zinc-600 dark:text-zinc-400">
            <th scope="col" className="py-1 font-medium">
              Limit
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Now
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              With {p.planName}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {LIMIT_METRICS.map((metric) => {
            const dir = compareLimit(currentLimits, p.limits, metric);
            return (
              <tr key={metric}>
                <th scope="row" className="py-1.5 text-left font-normal text-zinc-700 dark:text-zinc-300">
                  {limitLabel(metric)}
                </th>
                <td className="tabular py-1.5 text-right">{limitText(currentLimits, metric)}</td>
                <td
                  className={`tabular py-1.5 text-right font-medium ${dir < 0 ? "text-amber-800 dark:text-amber-300" : dir > 0 ? "text-emerald-700 dark:text-emerald-400" : ""}`}
                >
                  {limitText(p.limits, metric)}
                  {dir !== 0 ? <span className="sr-only">{dir < 0 ? " (lower)" : " (higher)"}</span> : null}
                  {dir < 0 ? <span aria-hidden="true"> ↓</span> : dir > 0 ? <span aria-hidden="true"> ↑</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Why "due today" is what it is, when it isn't simply the total: credit added, credit used, a balance owed. */
function DueTodayWhy({ preview: p, m }: { preview: PlanChangePreview; m: (n: number) => string }) {
  const a = p.amounts;
  let text: string | null = null;
  if (a.creditAddedCents > 0) {
    text = `Nothing to pay: the unused time is worth ${m(a.creditAddedCents)} more than the new charge. It goes to your credit balance${a.creditAfterCents > a.creditAddedCents ? ` (${m(a.creditAfterCents)} in all)` : ""}, which pays your next invoices first.`;
  } else if (a.creditAppliedCents > 0) {
    text =
      a.amountDueCents === 0
        ? `Nothing to pay: your credit balance covers the ${m(a.totalCents)}${a.creditAfterCents > 0 ? `, and ${m(a.creditAfterCents)} of credit is left` : ""}.`
        : `Your credit balance pays ${m(a.creditAppliedCents)} of the ${m(a.totalCents)}; the card pays the rest.`;
  } else if (a.balanceAddedCents > 0) {
    text = `Includes ${m(a.balanceAddedCents)} owed from earlier invoices.`;
  } else if (a.amountDueCents === 0 && a.totalCents === 0 && p.lines.length > 0) {
    text = "Nothing to pay now: the change costs the same for the rest of this period.";
  }
  return text ? (
    <dd className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="due-now-why">
      {text}
    </dd>
  ) : null;
}
