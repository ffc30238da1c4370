"use client";

import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe, type Stripe } from "@stripe/stripe-js";
import { useEffect, useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { Skeleton } from "@/components/ui/skeleton";
import { CardOutcome, useCardSaved } from "./card-outcome";
import type { CardActions, CardResult, CardSummary } from "./types";

const loaded = new Map<string, Promise<Stripe | null>>();
function stripeFor(key: string) {
  if (!loaded.has(key)) loaded.set(key, loadStripe(key));
  return loaded.get(key)!;
}

type Outcome = { ok: true; data: CardResult } | { ok: false; error: string } | null;

/** Stripe's Payment Element on a SetupIntent; the browser confirms (3-D Secure included), the server makes the card the default. */
export default function StripeCardForm({
  publishableKey,
  actions,
  onSaved,
  submitLabel,
}: {
  publishableKey: string;
  actions: CardActions;
  onSaved?: (card: CardSummary) => void;
  submitLabel: string;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One SetupIntent per mounted form, even when the page refreshes its props after a save.
  const create = useRef(actions.createSetupIntent);
  useEffect(() => {
    let live = true;
    void create.current().then((r) => {
      if (!live) return;
      if (r?.ok) setSecret(r.data.clientSecret);
      else setError(r?.error ?? "The card form could not be loaded. Try again.");
    });
    return () => {
      live = false;
    };
  }, []);
  if (error) {
    return (
      <Notice tone="error" role="alert" title="The card form could not be loaded">
        {error}
      </Notice>
    );
  }
  if (!secret) return <Skeleton className="h-40 w-full" />;
  const dark = typeof window !== "undefined" && window.matchMedia?.("(prefers-color-scheme: dark)").matches;
  return (
    <Elements
      stripe={stripeFor(publishableKey)}
      options={{ clientSecret: secret, appearance: { theme: dark ? "night" : "stripe" } }}
    >
      <ElementForm actions={actions} onSaved={onSaved} submitLabel={submitLabel} />
    </Elements>
  );
}

function ElementForm({
  actions,
  onSaved,
  submitLabel,
}: {
  actions: CardActions;
  onSaved?: (card: CardSummary) => void;
  submitLabel: string;
}) {
  const stripe = useStripe();
  const elements = useElements();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [pending, startTransition] = useTransition();
  useCardSaved(outcome, onSaved);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!stripe || !elements) return;
        startTransition(async () => {
          const { error, setupIntent } = await stripe.confirmSetup({
            elements,
            redirect: "if_required",
            confirmParams: { return_url: window.location.href },
          });
          if (error || !setupIntent) {
            setOutcome({ ok: false, error: error?.message ?? "The card could not be saved. Try another card." });
            return;
          }
          const fd = new FormData();
          fd.set("setupIntentId", setupIntent.id);
          const r = await actions.finalize(null, fd);
          setOutcome(
            r && r.ok
              ? { ok: true, data: r.data }
              : { ok: false, error: r?.error ?? "The card could not be saved. Try again." },
          );
        });
      }}
    >
      <PaymentElement />
      <CardOutcome result={outcome} />
      <Button type="submit" pending={pending} pendingLabel="Saving card…" disabled={!stripe || !elements}>
        {submitLabel}
      </Button>
    </form>
  );
}
