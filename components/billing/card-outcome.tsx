"use client";

import { useEffect, useRef } from "react";
import { Notice } from "@/components/ui/notice";
import { toast } from "@/components/ui/toast";
import { cardLabel } from "./format";
import type { CardResult, CardSummary } from "./types";

type Outcome = { ok: true; data: CardResult } | { ok: false; error: string } | null;

/** What happened to a card the person tried to save: declined, or waiting for the bank (3-D Secure). */
export function CardOutcome({ result }: { result: Outcome }) {
  if (!result) return null;
  if (!result.ok) {
    return (
      <Notice tone="error" role="alert" title="The card was not saved" testId="card-error">
        {result.error}
      </Notice>
    );
  }
  if (result.data.status === "requires_action") {
    return (
      <Notice tone="warning" role="alert" title="Needs authentication" testId="card-needs-auth">
        Your bank asks you to confirm this card with 3-D Secure before it can be used. It is saved once you complete the
        bank’s check below; or choose another card.
      </Notice>
    );
  }
  return null;
}

/** Tell the parent, and the reader with a toast, once per successful save. */
export function useCardSaved(result: Outcome, onSaved?: (card: CardSummary) => void) {
  const seen = useRef<typeof result>(null);
  useEffect(() => {
    if (!result || seen.current === result) return;
    seen.current = result;
    if (result.ok && result.data.status === "succeeded") {
      const { paid, stillOpen } = result.data.retried;
      toast(
        stillOpen > 0
          ? {
              tone: "error",
              title: `${cardLabel(result.data.card)} saved, but the overdue invoice was declined`,
              description: "Try another card, or contact your bank.",
            }
          : {
              tone: "success",
              title: `${cardLabel(result.data.card)} saved`,
              description:
                paid > 0
                  ? "The overdue invoice is paid: your subscription is active again."
                  : "It’s used for your subscription from now on.",
            },
      );
      onSaved?.(result.data.card);
    }
    // Refusals are shown in place (CardOutcome), where the card is chosen.
  }, [result, onSaved]);
}
