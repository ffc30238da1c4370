"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CardForm } from "./card-form";
import { cardExpiry, cardLabel } from "./format";
import type { CardActions, CardEntryMode, CardSummary } from "./types";

/** The card on file (brand, last 4, expiry) and, for owners and admins, "Update card". */
export function PaymentMethodPanel({
  card,
  canManage,
  mode,
  actions,
  expired,
}: {
  card: CardSummary | null;
  canManage: boolean;
  mode: CardEntryMode;
  actions: CardActions;
  expired: boolean;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        {card ? (
          <div className="flex items-center gap-3">
            <span
              aria-hidden="true"
              className="flex h-8 w-12 items-center justify-center rounded-md bg-zinc-900 text-[10px] font-bold tracking-wider text-white uppercase dark:bg-zinc-700"
            >
              {card.brand.slice(0, 4)}
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
        <div className="rounded-lg p-4 ring-1 ring-zinc-200 dark:ring-zinc-700">
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
