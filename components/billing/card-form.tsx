"use client";

import dynamic from "next/dynamic";
import { useActionState, useId, useState } from "react";
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
  return <TestCardPicker cards={mode.cards} attach={actions.attach} onSaved={onSaved} submitLabel={submitLabel} />;
}

function TestCardPicker({
  cards,
  attach,
  onSaved,
  submitLabel,
}: {
  cards: { id: string; label: string; last4: string }[];
  attach: CardActions["attach"];
  onSaved?: (card: CardSummary) => void;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(attach, null);
  // Controlled: React resets a form after its action; the chosen card should stay chosen.
  const [chosen, setChosen] = useState(cards[0]?.id ?? "");
  const name = useId();
  useCardSaved(state, onSaved);
  const fieldError = state && !state.ok ? state.fieldErrors?.paymentMethod : undefined;
  return (
    <form action={formAction} className="space-y-3" data-testid="test-card-form">
      <fieldset className="space-y-2">
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
      <CardOutcome result={state} />
      <Button type="submit" pending={pending} pendingLabel="Saving card…">
        {submitLabel}
      </Button>
    </form>
  );
}
