import { formatDate } from "@/lib/format";
import type { CustomerBalance } from "@/lib/invoices/upcoming";
import { formatMoney, negateMinor } from "@/lib/money";
import { fmt, limitForMetric, METRICS, type Limits, type Metric } from "@/lib/plans/limits";
import type { CardSummary } from "./types";

/** Display helpers shared by the billing components (money and numbers through lib/money and lib/plans). */

export const LIMIT_LABEL: Record<Metric, string> = {
  users: "Members",
  agents: "Agents",
  executions: "Executions / month",
  storage_bytes: "Storage",
  gateways: "Gateways",
};

export function limitText(limits: Limits, metric: Metric): string {
  const l = limitForMetric(limits, metric);
  return l === null ? "Unlimited" : fmt(l, metric);
}

/** -1 lower, 0 same, 1 higher (unlimited is highest). */
export function compareLimit(before: Limits, after: Limits, metric: Metric): number {
  const a = limitForMetric(before, metric);
  const b = limitForMetric(after, metric);
  if (a === b) return 0;
  if (b === null) return 1;
  if (a === null) return -1;
  return b > a ? 1 : -1;
}

export const LIMIT_METRICS = METRICS;

export function money(cents: number, currency: string, locale: string, compact = false): string {
  return formatMoney(cents, currency, locale, { compact });
}

const BRAND: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  jcb: "JCB",
  unionpay: "UnionPay",
  diners: "Diners Club",
};

/** The card's brand as its badge prints it: a whole word or the brand's own short form, never a cut-off ("MAST"). */
const BADGE: Record<string, string> = {
  visa: "VISA",
  mastercard: "MC",
  amex: "AMEX",
  discover: "DISC",
  jcb: "JCB",
  unionpay: "UPI",
  diners: "DC",
};

export function cardBadge(brand: string): string {
  return BADGE[brand] ?? "CARD";
}

export function cardLabel(card: CardSummary): string {
  return `${BRAND[card.brand] ?? card.brand.charAt(0).toUpperCase() + card.brand.slice(1)} •••• ${card.last4}`;
}

export function cardExpiry(card: CardSummary): string {
  return `${String(card.expMonth).padStart(2, "0")}/${card.expYear}`;
}

/** "billed monthly" / "billed annually". */
export function billedText(cycle: "monthly" | "annual"): string {
  return cycle === "annual" ? "billed annually" : "billed monthly";
}

export function perCycle(cycle: "monthly" | "annual"): string {
  return cycle === "annual" ? "year" : "month";
}

export function formatDay(iso: string | null, locale: string): string {
  if (!iso) return "—";
  return formatDate(iso, locale);
}

/**
 * The customer balance in words (Stripe's sign: negative is credit): null when there is none.
 * One wording for the dashboard, the plan page, the invoices and the admin console.
 */
export function balanceText(
  balance: CustomerBalance,
  locale: string,
): { label: string; amount: string | null; note: string; tone: "credit" | "owed" | "unknown" } | null {
  if (balance.kind === "unavailable")
    return {
      label: "Credit balance",
      amount: null,
      note: "Not available: we couldn’t reach our payment provider. Reload in a minute.",
      tone: "unknown",
    };
  if (balance.kind === "none" || balance.balanceCents === 0) return null;
  if (balance.balanceCents < 0)
    return {
      label: "Credit balance",
      amount: formatMoney(negateMinor(balance.balanceCents), balance.currency, locale),
      note: "Pays your next invoices first, before the card is charged.",
      tone: "credit",
    };
  return {
    label: "Balance owed",
    amount: formatMoney(balance.balanceCents, balance.currency, locale),
    note: "Added to your next invoice.",
    tone: "owed",
  };
}

/** A past-due subscription's open invoice, as the dunning banners tell it. */
export type PastDueInvoice = {
  /** null: no open invoice mirrored yet. */
  amountCents: number | null;
  currency: string;
  number: string | null;
  nextRetry: Date | null;
  /** When Free's limits apply if it stays unpaid (the grace period's end). */
  freeLimitsFrom: Date | null;
};

/**
 * "$98.00 is past due (invoice X-0002). We will retry the card on Dec 6, 2026. If it stays unpaid,
 * Free plan limits apply from Dec 19, 2026." One wording for the dashboard and the plan page.
 */
export function pastDueText(p: PastDueInvoice, degraded: boolean, locale: string): string {
  const due = p.amountCents === null ? "Your latest payment" : formatMoney(p.amountCents, p.currency, locale);
  const retry = p.nextRetry
    ? `We will retry the card on ${formatDate(p.nextRetry, locale)}.`
    : "Update the card to pay it.";
  const free =
    !degraded && p.freeLimitsFrom
      ? ` If it stays unpaid, Free plan limits apply from ${formatDate(p.freeLimitsFrom, locale)}.`
      : "";
  return `${due} is past due${p.number ? ` (invoice ${p.number})` : ""}. ${retry}${free}`;
}

/** The past-due banner's facts from the subscription and its newest open invoice; null when not past due. */
export function pastDueInvoiceOf(
  sub: { status: string; pastDueSince: Date | null } | null,
  outstanding: {
    amountDueCents: number;
    currency: string;
    number: string | null;
    nextPaymentAttempt: Date | null;
  } | null,
  fallbackCurrency: string,
  graceDays: number,
): PastDueInvoice | null {
  if (!sub || (sub.status !== "past_due" && sub.status !== "unpaid")) return null;
  return {
    amountCents: outstanding?.amountDueCents ?? null,
    currency: outstanding?.currency ?? fallbackCurrency,
    number: outstanding?.number ?? null,
    nextRetry: outstanding?.nextPaymentAttempt ?? null,
    freeLimitsFrom: sub.pastDueSince ? new Date(sub.pastDueSince.getTime() + graceDays * 86_400_000) : null,
  };
}
