import { Badge, type BadgeTone } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { CustomerBalance } from "@/lib/invoices/upcoming";
import { balanceText, cardLabel, formatDay, money, perCycle } from "./format";
import { ChangePlanButton } from "./plan-change";
import type { CardSummary, CurrentSubscription } from "./types";

export const STATUS_TONE: Record<string, BadgeTone> = {
  active: "green",
  trialing: "indigo",
  past_due: "red",
  unpaid: "red",
  canceled: "neutral",
  incomplete: "amber",
  incomplete_expired: "neutral",
};

export function statusLabel(status: string): string {
  const words = status.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The subscription as it is now: plan, status, price, seats, renewal, card; "Cancel subscription" for managers. */
export function CurrentPlanCard({
  current,
  recurringCents,
  currency,
  card,
  balance,
  locale,
  changeHref,
  suspended = false,
}: {
  current: CurrentSubscription;
  recurringCents: number | null;
  /** A contract: changing or cancelling it is a request (this link), not a button. */
  changeHref: string | null;
  /** Suspended by the platform: said beside the subscription's own status. */
  suspended?: boolean;
  currency: string;
  card: CardSummary | null;
  /** The customer balance at Stripe (credit from downgrades and interval changes). */
  balance: CustomerBalance;
  locale: string;
}) {
  const free = current.planId === "free";
  const b = balanceText(balance, locale);
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 className="text-sm font-medium text-zinc-600 dark:text-zinc-400">Current plan</h2>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <p className="text-2xl font-semibold" data-testid="current-plan">
              {current.planName}
            </p>
            <Badge tone={STATUS_TONE[current.status] ?? "neutral"}>{statusLabel(current.status)}</Badge>
            {suspended ? <Badge tone="red">Suspended</Badge> : null}
            {!free ? <Badge>{current.cycle === "annual" ? "Annual" : "Monthly"}</Badge> : null}
            {current.cancelAtPeriodEnd ? <Badge tone="amber">Ends {formatDay(current.periodEnd, locale)}</Badge> : null}
          </div>
        </div>
        {changeHref ? (
          <a href={changeHref} className={buttonClass({ variant: "secondary" })} data-testid="change-contract">
            Ask to change or cancel
          </a>
        ) : current.billedInStripe && !current.cancelAtPeriodEnd ? (
          <ChangePlanButton planId="free" cycle="monthly" variant="secondary" testId="cancel-subscription">
            Cancel subscription
          </ChangePlanButton>
        ) : null}
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Price</dt>
          <dd className="tabular font-medium">
            {recurringCents === null
              ? "Custom"
              : recurringCents === 0
                ? "Free"
                : `${money(recurringCents, currency, locale)} / ${perCycle(current.cycle)}`}
          </dd>
        </div>
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Seats</dt>
          <dd className="tabular font-medium">{free ? "—" : current.seats}</dd>
        </div>
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">
            {free ? "Usage resets" : current.cancelAtPeriodEnd ? "Moves to Free" : "Renews"}
          </dt>
          <dd className="font-medium">{formatDay(current.periodEnd, locale)}</dd>
        </div>
        <div>
          <dt className="text-zinc-600 dark:text-zinc-400">Payment method</dt>
          <dd className="font-medium">
            {card ? (
              <a
                href="#payment-method"
                className="underline decoration-zinc-300 underline-offset-2 hover:decoration-zinc-500"
              >
                {cardLabel(card)}
              </a>
            ) : (
              "None"
            )}
          </dd>
        </div>
      </dl>
      {b ? (
        <p
          className="mt-4 border-t border-zinc-100 pt-3 text-sm dark:border-zinc-800"
          data-testid="plan-credit-balance"
        >
          <span className="text-zinc-600 dark:text-zinc-400">{b.label}: </span>
          {b.amount ? (
            <span
              className={`tabular font-semibold ${b.tone === "credit" ? "text-emerald-700 dark:text-emerald-400" : ""}`}
            >
              {b.amount}
            </span>
          ) : null}{" "}
          <span className="text-zinc-600 dark:text-zinc-400">{b.note}</span>
        </p>
      ) : null}
    </Card>
  );
}
