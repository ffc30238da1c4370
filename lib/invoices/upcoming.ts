import "server-only";
import { eq } from "drizzle-orm";
import { organizations, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { applyCustomerBalance, negateMinor, type BalanceOutcome } from "@/lib/money";
import { Stripe } from "@/lib/stripe/client";
import { isStripeError } from "@/lib/stripe/errors";
import { isProrationLine } from "./amounts";

/**
 * What Stripe holds for an organization beyond our invoices: its customer balance (credit from
 * downgrades and interval changes, applied to the next invoices) and the next invoice as Stripe
 * would issue it now (`invoices.createPreview`: pending prorations and the balance applied).
 * Read live, with a short timeout and no retries: a page that shows money must not hang on
 * Stripe, and says so when Stripe could not be asked.
 */

/** Display reads: fail fast rather than hold the page (the SDK's defaults retry twice over 15 s). */
const READ = { timeout: 4_000, maxNetworkRetries: 0 } as const;

/** Stripe's customer balance, with Stripe's sign: negative is credit the customer holds, positive is owed. */
export type CustomerBalance =
  | { kind: "known"; balanceCents: number; currency: string }
  /** No Stripe customer yet: nothing held. */
  | { kind: "none" }
  | { kind: "unavailable" };

export type UpcomingLine = {
  description: string;
  amountCents: number;
  proration: boolean;
  periodStart: Date | null;
  periodEnd: Date | null;
};

export type UpcomingInvoice =
  | ({
      kind: "preview";
      /** When Stripe will issue it (the renewal, or the end of a trial). */
      date: Date;
      currency: string;
      lines: UpcomingLine[];
    } & BalanceOutcome)
  /** Stripe will issue none on its own (canceling at period end, canceled, no subscription). */
  | { kind: "none" }
  | { kind: "unavailable" };

type StripeLinks = { customerId: string | null; subscriptionId: string | null; currency: string };

async function stripeLinks(db: Queryable, organizationId: string): Promise<StripeLinks> {
  const [row] = await db
    .select({
      customerId: organizations.stripeCustomerId,
      currency: organizations.currency,
      subscriptionId: subscriptions.stripeSubscriptionId,
      status: subscriptions.status,
    })
    .from(organizations)
    .leftJoin(subscriptions, eq(subscriptions.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId))
    .limit(1);
  if (!row) return { customerId: null, subscriptionId: null, currency: "usd" };
  const live = row.subscriptionId && row.status !== "canceled" && row.status !== "incomplete_expired";
  return { customerId: row.customerId, subscriptionId: live ? row.subscriptionId : null, currency: row.currency };
}

function logUnavailable(what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.warn(`[billing] ${what} unavailable from Stripe: ${message}`);
}

async function readBalance(stripe: Stripe, links: StripeLinks): Promise<CustomerBalance> {
  if (!links.customerId) return { kind: "none" };
  try {
    const c = await stripe.customers.retrieve(links.customerId, {}, READ);
    if ("deleted" in c && c.deleted) return { kind: "none" };
    const customer = c as Stripe.Customer;
    return { kind: "known", balanceCents: customer.balance ?? 0, currency: customer.currency ?? links.currency };
  } catch (err) {
    logUnavailable("customer balance", err);
    return { kind: "unavailable" };
  }
}

const fromUnix = (s: number | null | undefined) => (s == null ? null : new Date(s * 1000));

/** Pure: our shape of a Stripe preview invoice. */
export function upcomingFromPreview(inv: Stripe.Invoice): Extract<UpcomingInvoice, { kind: "preview" }> {
  const lines = (inv.lines?.data ?? []).map((l) => ({
    description: l.description ?? "",
    amountCents: l.amount,
    proration: isProrationLine(l),
    periodStart: fromUnix(l.period?.start),
    periodEnd: fromUnix(l.period?.end),
  }));
  // A renewal preview's own period is the one ending (Stripe meters it); the invoice is issued at its end.
  const date = fromUnix(inv.next_payment_attempt) ?? fromUnix(inv.period_end) ?? fromUnix(inv.created)!;
  return {
    kind: "preview",
    date,
    currency: inv.currency,
    lines,
    ...applyCustomerBalance({
      subtotalCents: inv.subtotal,
      totalCents: inv.total,
      amountDueCents: inv.amount_due,
      startingBalanceCents: inv.starting_balance ?? 0,
    }),
  };
}

async function readUpcoming(stripe: Stripe, links: StripeLinks): Promise<UpcomingInvoice> {
  if (!links.customerId || !links.subscriptionId) return { kind: "none" };
  try {
    const inv = await stripe.invoices.createPreview(
      { customer: links.customerId, subscription: links.subscriptionId },
      READ,
    );
    return upcomingFromPreview(inv);
  } catch (err) {
    if (isStripeError(err, "StripeInvalidRequestError") && err.code === "invoice_upcoming_none")
      return { kind: "none" };
    logUnavailable("upcoming invoice", err);
    return { kind: "unavailable" };
  }
}

/** The organization's customer balance at Stripe. */
export async function getCustomerBalance(db: Queryable, stripe: Stripe, organizationId: string) {
  return readBalance(stripe, await stripeLinks(db, organizationId));
}

/** The customer balance and Stripe's preview of the next invoice, read together. */
export async function getStripeBillingOutlook(
  db: Queryable,
  stripe: Stripe,
  organizationId: string,
): Promise<{ balance: CustomerBalance; upcoming: UpcomingInvoice }> {
  const links = await stripeLinks(db, organizationId);
  const [balance, upcoming] = await Promise.all([readBalance(stripe, links), readUpcoming(stripe, links)]);
  return { balance, upcoming };
}

/** Credit held, as a positive amount (0 when the balance is zero or owed). */
export function creditHeldCents(balance: CustomerBalance): number {
  return balance.kind === "known" && balance.balanceCents < 0 ? negateMinor(balance.balanceCents) : 0;
}
