"use client";

import dynamic from "next/dynamic";
import { startTransition, useActionState, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { CardOutcome, useCardSaved } from "./card-outcome";
import type { CardActions, CardEntryMode, CardSummary } from "./types";

// Stripe.js loads only when a publishable key is configured, and only on demand.
const StripeCardForm = dynamic(() => import("./stripe-card-form"), {
  ssr: false,
  loading: () => <Skeleton className="h-40 w-full" />,
});

/**
 * Collect a card: Stripe's Payment Element with a publishable key; otherwise (the local emulator
 * or tests) a clearly labelled picker of Stripe's test cards. Both end in the same server
 * actions; declines and 3-D Secure are shown here, in words.
 */
export function CardForm({
  mode,
  actions,
  onSaved,
  submitLabel = "Save card",
}: {
  mode: CardEntryMode;
  actions: CardActions;
  onSaved?: (card: CardSummary) => void;
  submitLabel?: string;
}) {
  if (mode.kind === "stripe")
    return (
      <StripeCardForm
        publishableKey={mode.publishableKey}
        actions={actions}
        onSaved={onSaved}
        submitLabel={submitLabel}
      />
    );
  return (
    <TestCardPicker
      cards={mode.cards}
      attach={actions.attach}
      authenticate={actions.authenticate}
      onSaved={onSaved}
      submitLabel={submitLabel}
    />
  );
}

function TestCardPicker({
  cards,
  attach,
  authenticate,
  onSaved,
  submitLabel,
}: {
  cards: { id: string; label: string; last4: string }[];
  attach: CardActions["attach"];
  authenticate: CardActions["authenticate"];
  onSaved?: (card: CardSummary) => void;
  submitLabel: string;
}) {
  const [saved, saveCard, saving] = useActionState(attach, null);
  const [answered, answerCheck, answering] = useActionState(authenticate, null);
  // The answer shown is the latest one: saving a card, or the bank's check that followed it.
  const [latest, setLatest] = useState<"save" | "check">("save");
  const result = latest === "check" ? answered : saved;
  const [chosen, setChosen] = useState(cards[0]?.id ?? "");
  const name = useId();
  useCardSaved(result, onSaved);
  const fieldError = latest === "save" && saved && !saved.ok ? saved.fieldErrors?.paymentMethod : undefined;
  // While another card is being saved, the last check belongs to a card no longer chosen: hide it.
  const check =
    !saving && latest === "save" && saved?.ok && saved.data.status === "requires_action" ? saved.data : null;

  // Submitted by hand, not as <form action>: React resets a form after its action, which put the
  // radio back on the first card (Visa) after every refusal while the state still said otherwise.
  const submit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    setLatest("save");
    startTransition(() => saveCard(fd));
  };
  const answer = (setupIntentId: string, outcome: "succeed" | "fail") => {
    const fd = new FormData();
    fd.set("setupIntentId", setupIntentId);
    fd.set("outcome", outcome);
    setLatest("check");
    startTransition(() => answerCheck(fd));
  };
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="test-card-form">
      <fieldset className="space-y-2" disabled={saving || answering}>
        <legend className="text-sm font-medium">
          Test card{" "}
          <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
            Test mode
          </span>
        </legend>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Payments run against a test environment: no real card is charged. Pick one of Stripe’s test cards to see how
          each behaves.
        </p>
        <div className="grid gap-2 sm:grid-cols-2">
          {cards.map((c) => (
            <label
              key={c.id}
              className="flex cursor-pointer items-center gap-3 rounded-lg px-3 py-2 text-sm ring-1 ring-zinc-200 has-[:checked]:bg-indigo-50 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600 dark:ring-zinc-700 dark:has-[:checked]:bg-indigo-950/40 dark:has-[:checked]:ring-indigo-400"
            >
              <input
                type="radio"
                name="paymentMethod"
                value={c.id}
                checked={chosen === c.id}
                onChange={() => setChosen(c.id)}
                className="accent-indigo-600"
                id={`${name}-${c.id}`}
              />
              <span className="min-w-0">
                <span className="block font-medium">{c.label}</span>
                <span className="tabular block text-xs text-zinc-600 dark:text-zinc-400">•••• {c.last4}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {fieldError ? <p className="text-sm text-red-700 dark:text-red-400">{fieldError}</p> : null}
      {saving ? null : <CardOutcome result={result} />}
      {check ? (
        <BankCheck
          pending={answering}
          onComplete={() => answer(check.setupIntentId, "succeed")}
          onFail={() => answer(check.setupIntentId, "fail")}
        />
      ) : null}
      <Button
        type="submit"
        variant={check ? "secondary" : "primary"}
        pending={saving}
        pendingLabel="Saving card…"
        disabled={answering}
      >
        {submitLabel}
      </Button>
    </form>
  );
}

/**
 * Test mode's stand-in for the bank's 3-D Secure page (with a publishable key, Stripe.js shows
 * the bank's own): the customer confirms, and the card is saved, or fails the check, and it isn't.
 */
function BankCheck({ pending, onComplete, onFail }: { pending: boolean; onComplete: () => void; onFail: () => void }) {
  const titleId = useId();
  return (
    <section
      aria-labelledby={titleId}
      data-testid="bank-check"
      className="space-y-3 rounded-lg bg-white p-4 ring-2 ring-amber-400 dark:bg-zinc-950 dark:ring-amber-500"
    >
      <div>
        <h4 id={titleId} className="text-sm font-semibold">
          Your bank’s check (3-D Secure){" "}
          <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900/60 dark:text-amber-100">
            Test mode
          </span>
        </h4>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          This stands in for the page your bank shows (a code by text message or a tap in its app). Complete it to save
          the card, or fail it to see what happens when the bank refuses.
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="button" size="sm" onClick={onComplete} pending={pending} pendingLabel="Checking…">
          Complete authentication
        </Button>
        <Button type="button" size="sm" variant="secondary" onClick={onFail} disabled={pending}>
          Fail authentication
        </Button>
      </div>
    </section>
  );
}
