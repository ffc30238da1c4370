import { eq } from "drizzle-orm";
import { invoiceLines, invoices, organizations, subscriptions } from "../../db/schema";
import type { Db } from "../../db/types";
import { ensureStripePrices } from "../../lib/billing/stripe-catalog";
import { calendarMonth } from "../../lib/plans/period";
import type { Stripe } from "../../lib/stripe/client";

/**
 * Real billing history for webhook chaos runs (issue 13): organizations on Free in our database,
 * each with a Stripe customer on a test clock, then one scenario per organization made directly
 * through the SDK in the emulator (our database learns everything only from the webhooks):
 * failed renewals, declined seats, card switches, past-due recovered, two open invoices with
 * one paid, cancellations, an incomplete first invoice, a cancellation resumed. Afterwards,
 * `compareWithStripe` lists every field where our state differs from Stripe's.
 * Used by tests/integration/webhook-chaos.test.ts and `npm run bench:webhooks -- --chaos`.
 */

export const SCENARIOS = [
  "renewal_failed",
  "seats_declined",
  "card_switch",
  "past_due_recovered",
  "two_open_one_paid",
  "canceled_at_period_end",
  "incomplete_first_invoice",
  "cancel_resumed",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type ChaosCase = { scenario: Scenario; organizationId: string; customer: string; subscription: string };

const DAY = 86_400;

/** A deterministic random source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function freeOrganization(db: Db, label: string): Promise<string> {
  const period = calendarMonth(new Date());
  const [org] = await db
    .insert(organizations)
    .values({ slug: `${label}-${Math.random().toString(36).slice(2, 8)}`, name: label })
    .returning({ id: organizations.id });
  await db.insert(subscriptions).values({
    organizationId: org!.id,
    planId: "free",
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    maxUsers: 3,
    maxAgents: 10,
    maxExecutionsPerMonth: 10_000,
    maxStorageGb: 1,
    maxGateways: 1,
  });
  return org!.id;
}

async function setDefaultCard(stripe: Stripe, customer: string, testCard: string): Promise<string> {
  const pm = await stripe.paymentMethods.attach(testCard, { customer });
  await stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  return pm.id;
}

/** Make one scenario's history in the emulator for a new organization. */
export async function makeScenario(db: Db, stripe: Stripe, scenario: Scenario, index = 0): Promise<ChaosCase> {
  const pro = await ensureStripePrices(db, stripe, "pro");
  const price = pro.stripePriceMonthlyId!;
  const organizationId = await freeOrganization(db, `chaos-${scenario.replace(/_/g, "-")}-${index}`);
  const now = Math.floor(Date.now() / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: now });
  const customer = await stripe.customers.create({
    name: `${scenario} ${index}`,
    test_clock: clock.id,
    metadata: { organization_id: organizationId },
  });
  await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, organizationId));
  const advance = (days: number) => stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now + days * DAY });
  const subscribe = (quantity: number, extra: Partial<Stripe.SubscriptionCreateParams> = {}) =>
    stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price, quantity }],
      metadata: { organization_id: organizationId },
      ...extra,
    });

  let sub: Stripe.Subscription;
  if (scenario === "incomplete_first_invoice") {
    await setDefaultCard(stripe, customer.id, "pm_card_chargeCustomerFail");
    sub = await subscribe(1); // Stripe's default allow_incomplete: created, first invoice declined
    return { scenario, organizationId, customer: customer.id, subscription: sub.id };
  }
  await setDefaultCard(stripe, customer.id, "pm_card_visa");
  sub = await subscribe(scenario === "renewal_failed" || scenario === "two_open_one_paid" ? 2 : 1, {
    payment_behavior: "error_if_incomplete",
  });
  const item = sub.items.data[0]!.id;
  switch (scenario) {
    case "renewal_failed":
      await setDefaultCard(stripe, customer.id, "pm_card_chargeCustomerFail");
      await advance(32);
      break;
    case "seats_declined":
      await setDefaultCard(stripe, customer.id, "pm_card_chargeCustomerFail");
      await stripe.subscriptions
        .update(sub.id, {
          items: [{ id: item, quantity: 3 }],
          proration_behavior: "always_invoice",
          payment_behavior: "error_if_incomplete",
        })
        .then(
          () => {
            throw new Error("seats_declined: the seat change should have been declined");
          },
          (err: unknown) => {
            if ((err as { type?: string }).type !== "StripeCardError") throw err;
          },
        );
      await stripe.subscriptions.update(sub.id, {
        items: [{ id: item, quantity: 2 }],
        proration_behavior: "create_prorations",
      });
      break;
    case "card_switch":
      await setDefaultCard(stripe, customer.id, "pm_card_mastercard");
      await setDefaultCard(stripe, customer.id, "pm_card_amex");
      break;
    case "past_due_recovered": {
      await setDefaultCard(stripe, customer.id, "pm_card_chargeCustomerFail");
      await advance(32);
      const visa = await setDefaultCard(stripe, customer.id, "pm_card_visa");
      const [open] = (await stripe.invoices.list({ customer: customer.id, status: "open" })).data;
      await stripe.invoices.pay(open!.id!, { payment_method: visa });
      break;
    }
    case "two_open_one_paid": {
      await setDefaultCard(stripe, customer.id, "pm_card_chargeCustomerFail");
      await advance(32);
      await stripe.subscriptions.update(sub.id, {
        items: [{ id: item, quantity: 3 }],
        proration_behavior: "always_invoice",
        payment_behavior: "allow_incomplete",
      });
      const open = (await stripe.invoices.list({ customer: customer.id, status: "open" })).data;
      const renewal = open.find((i) => i.billing_reason === "subscription_cycle")!;
      const visa = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
      await stripe.invoices.pay(renewal.id!, { payment_method: visa.id });
      break;
    }
    case "canceled_at_period_end":
      await stripe.subscriptions.update(sub.id, {
        cancel_at_period_end: true,
        cancellation_details: { comment: "Chaos: moving on" },
      });
      await advance(32);
      break;
    case "cancel_resumed":
      await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
      await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
      await setDefaultCard(stripe, customer.id, "pm_card_mastercard");
      break;
  }
  return { scenario, organizationId, customer: customer.id, subscription: sub.id };
}

/**
 * Stripe-like delivery: every event at least once, `duplicates` of them again later,
 * `reordered` of them moved up to `window` places away.
 */
export function chaosSchedule<T>(
  events: readonly T[],
  rand: () => number,
  opts: { duplicates: number; reordered: number; window?: number },
): T[] {
  const schedule = [...events];
  const extra = Math.round(events.length * opts.duplicates);
  for (let k = 0; k < extra; k++) {
    const e = events[Math.floor(rand() * events.length)]!;
    const at = Math.floor(rand() * (schedule.length + 1));
    schedule.splice(at, 0, e);
  }
  const window = opts.window ?? 12;
  for (let k = 0; k < schedule.length; k++) {
    if (rand() >= opts.reordered) continue;
    const j = Math.min(schedule.length - 1, Math.max(0, k + Math.round((rand() * 2 - 1) * window)));
    [schedule[k], schedule[j]] = [schedule[j]!, schedule[k]!];
  }
  return schedule;
}

const iso = (unix: number | null | undefined) => (unix ? new Date(unix * 1000).toISOString() : null);
const isoOf = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Every field where our state differs from Stripe's for these organizations (empty: equal). */
export async function compareWithStripe(db: Db, stripe: Stripe, cases: readonly ChaosCase[]): Promise<string[]> {
  const problems: string[] = [];
  const differ = (c: ChaosCase, what: string, ours: unknown, theirs: unknown) => {
    if (JSON.stringify(ours) !== JSON.stringify(theirs))
      problems.push(
        `${c.scenario} (${c.organizationId.slice(0, 8)}) ${what}: ours ${JSON.stringify(ours)}, Stripe ${JSON.stringify(theirs)}`,
      );
  };
  for (const c of cases) {
    const remote = await stripe.subscriptions.retrieve(c.subscription);
    const [local] = await db.select().from(subscriptions).where(eq(subscriptions.organizationId, c.organizationId));
    const ended = remote.status === "canceled" || remote.status === "incomplete_expired";
    if (ended) {
      differ(c, "plan after the subscription ended", [local?.planId, local?.stripeSubscriptionId], ["free", null]);
      differ(c, "cancellation reason", local?.cancellationReason ?? null, remote.cancellation_details?.comment || null);
    } else {
      const item = remote.items.data[0]!;
      differ(c, "subscription id", local?.stripeSubscriptionId, remote.id);
      differ(c, "status", local?.status, remote.status);
      differ(c, "price", local?.stripePriceId, item.price.id);
      differ(c, "quantity", local?.seats, item.quantity);
      differ(c, "period start", isoOf(local?.currentPeriodStart), iso(item.current_period_start));
      differ(c, "period end", isoOf(local?.currentPeriodEnd), iso(item.current_period_end));
      differ(c, "cancel at period end", local?.cancelAtPeriodEnd, remote.cancel_at_period_end);
      differ(c, "past due", local?.pastDueSince != null, remote.status === "past_due");
    }

    const customer = (await stripe.customers.retrieve(c.customer, {
      expand: ["invoice_settings.default_payment_method"],
    })) as Stripe.Customer;
    const pm = customer.invoice_settings.default_payment_method as Stripe.PaymentMethod | null;
    const [org] = await db
      .select({ card: organizations.paymentMethod })
      .from(organizations)
      .where(eq(organizations.id, c.organizationId));
    differ(
      c,
      "card",
      org?.card ? [org.card.id, org.card.brand, org.card.last4] : null,
      pm ? [pm.id, pm.card?.brand, pm.card?.last4] : null,
    );

    const remoteInvoices: Stripe.Invoice[] = [];
    for await (const inv of stripe.invoices.list({ customer: c.customer, limit: 100 })) remoteInvoices.push(inv);
    const localInvoices = await db.select().from(invoices).where(eq(invoices.organizationId, c.organizationId));
    differ(c, "invoices", localInvoices.map((i) => i.stripeInvoiceId).sort(), remoteInvoices.map((i) => i.id).sort());
    for (const ri of remoteInvoices) {
      const li = localInvoices.find((i) => i.stripeInvoiceId === ri.id);
      if (!li) continue;
      differ(
        c,
        `invoice ${ri.id}`,
        [li.status, li.totalCents, li.amountDueCents, li.amountPaidCents],
        [ri.status, ri.total, ri.amount_due, ri.amount_paid],
      );
      const lines = await db
        .select({ id: invoiceLines.stripeLineId, amount: invoiceLines.amountCents, quantity: invoiceLines.quantity })
        .from(invoiceLines)
        .where(eq(invoiceLines.invoiceId, li.id));
      const byId = (a: { id: string | null }, b: { id: string | null }) => String(a.id).localeCompare(String(b.id));
      differ(
        c,
        `lines of ${ri.id}`,
        lines.sort(byId).map((l) => [l.id, l.amount, l.quantity]),
        ri.lines.data
          .map((l) => ({ id: l.id, amount: l.amount, quantity: l.quantity ?? 1 }))
          .sort(byId)
          .map((l) => [l.id, l.amount, l.quantity]),
      );
    }
  }
  return problems;
}
