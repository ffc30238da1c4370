"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { CardForm } from "./card-form";
import { cardBadge, cardExpiry, cardLabel } from "./format";
import type { CardActions, CardEntryMode, CardSummary } from "./types";
import { UPDATE_CARD_EVENT } from "./update-card-link";

/** The card on file (brand, last 4, expiry) and, for owners and admins, "Update card". */
export function PaymentMethodPanel({
  card,
  canManage,
  mode,
  actions,
  expired,
  openAtStart = false,
}: {
  card: CardSummary | null;
  canManage: boolean;
  mode: CardEntryMode;
  actions: CardActions;
  expired: boolean;
  /** Open the card form at once (the dashboard's "Update card" links here with ?card=update). */
  openAtStart?: boolean;
}) {
  const [editing, setEditing] = useState(canManage && openAtStart);
  const form = useRef<HTMLDivElement>(null);
  // The dunning banner's "Update card" on this page opens the form too.
  useEffect(() => {
    if (!canManage) return;
    const open = () => setEditing(true);
    window.addEventListener(UPDATE_CARD_EVENT, open);
    return () => window.removeEventListener(UPDATE_CARD_EVENT, open);
  }, [canManage]);
  // Once open, bring the form into view and put the focus on its first choice.
  useEffect(() => {
    if (!editing) return;
    const el = form.current;
    el?.scrollIntoView({ block: "nearest" });
    el?.querySelector<HTMLElement>("input, button")?.focus({ preventScroll: true });
  }, [editing]);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        {card ? (
          <div className="flex items-center gap-3">
            <span
              aria-hidden="true"
              data-testid="card-badge"
              className="flex h-8 w-12 items-center justify-center rounded-md bg-zinc-900 text-[10px] font-bold tracking-wider text-white dark:bg-zinc-700"
            >
              {cardBadge(card.brand)}
            </span>
            <div>
              <p className="font-medium" data-testid="card-on-file">
                {cardLabel(card)}
              </p>
              <p
                className={`tabular text-sm ${expired ? "font-medium text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}
              >
                {expired ? "Expired " : "Expires "}
                {cardExpiry(card)}
              </p>
            </div>
          </div>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="card-on-file">
            No card on file. A card is needed before choosing a paid plan.
          </p>
        )}
        {canManage && !editing ? (
          <Button variant="secondary" onClick={() => setEditing(true)}>
            {card ? "Update card" : "Add a card"}
          </Button>
        ) : null}
      </div>
      {canManage && editing ? (
        <div
          ref={form}
          className="rounded-lg p-4 ring-1 ring-zinc-200 dark:ring-zinc-700"
          data-testid="card-form-panel"
        >
          <CardForm
            mode={mode}
            actions={actions}
            onSaved={() => setEditing(false)}
            submitLabel={card ? "Replace card" : "Save card"}
          />
          <Button variant="ghost" size="sm" className="mt-2" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </div>
      ) : null}
    </div>
  );
}
