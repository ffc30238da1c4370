import "server-only";
import { and, eq, gt, isNull } from "drizzle-orm";
import { invoices, organizations, plans, subscriptions, usageCounters } from "@/db/schema";
import type { Db, Queryable } from "@/db/types";
import type { Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { invoiceSubscriptionId, upsertStripeInvoice } from "@/lib/invoices/sync";
import { formatMoney } from "@/lib/money";
import { FREE_PLAN_ID } from "@/lib/plans/catalog";
import { addMonths } from "@/lib/plans/period";
import { Stripe } from "@/lib/stripe/client";
import { periodSourceOf, usagePeriodFor } from "@/lib/usage/periods";
import { rebuildCounters } from "@/lib/usage/rollup";
import {
  applyStripeSubscription,
  attachPaymentMethod,
  changePlan,
  ensureCustomer,
  lockOrganizationBilling,
  setEnterpriseTerms,
  summarize,
} from "@/lib/billing";
import { idOf } from "@/lib/billing/subscription-sync";
import { DEMO_ORGS, SEEDED_INVOICE_MEMO } from "./data";
import { paidPeriod } from "./history";

/**
 * The demo organizations (demo/data.ts) as real customers of the local Stripe emulator: at
 * start-up, each paid demo organization that has no Stripe subscription gets a customer on a
 * test clock, a card and its subscription, made through the same services a customer's clicks
 * use, so our rows are written from Stripe's answers. Hooli's renewal then fails on a card that
 * declines, so it is past due in Stripe too.
 *
 * Safe to run at every start: an organization whose subscription Stripe knows is left alone;
 * one whose Stripe ids Stripe doesn't know (the emulator's data file was deleted) is linked
 * again; and a run that stopped halfway continues with the customer and subscription Stripe
 * already has (found by the organization id in their metadata) instead of making new ones.
 */

export const DEMO_LINK_ACTOR: Actor = { kind: "system", label: "demo-link" };

type DemoOrg = (typeof DEMO_ORGS)[number];
export type DemoLinkOutcome = "linked" | "already_linked" | "skipped" | "failed";
export type DemoLinkResult = { slug: string; outcome: DemoLinkOutcome; message: string };

export async function linkDemoOrganizations(
  db: Db,
  stripe: Stripe,
  opts: { now?: Date; log?: (line: string) => void; warn?: (line: string) => void } = {},
): Promise<DemoLinkResult[]> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => undefined);
  const warn = opts.warn ?? (() => undefined);
  const results: DemoLinkResult[] = [];
  const catalog = { checked: false };
  for (const demo of DEMO_ORGS.filter((o) => o.plan !== "free")) {
    try {
      const result = await linkOne(db, stripe, demo, now, catalog);
      results.push(result);
      if (result.outcome === "linked") log(`Demo data: ${result.message}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      results.push({ slug: demo.slug, outcome: "failed", message });
      warn(
        `Demo data: could not link ${demo.slug} to the local Stripe emulator (${message}). The app starts anyway; ${demo.slug} keeps its seeded, unbilled plan.`,
      );
      // The emulator is not answering: the other organizations would fail the same way, slowly.
      if (
        (err instanceof AppError && err.code === "upstream_unavailable") ||
        err instanceof Stripe.errors.StripeConnectionError
      )
        break;
    }
  }
  return results;
}

async function linkOne(
  db: Db,
  stripe: Stripe,
  demo: DemoOrg,
  now: Date,
  catalog: { checked: boolean },
): Promise<DemoLinkResult> {
  const [found] = await db
    .select({ id: organizations.id, billingEmail: organizations.billingEmail })
    .from(organizations)
    .where(eq(organizations.slug, demo.slug))
    .limit(1);
  // Only the seeded organization: same slug and the seeded billing email.
  if (!found || found.billingEmail !== demo.members[0]?.email)
    return { slug: demo.slug, outcome: "skipped", message: "no demo organization" };
  const organizationId = found.id;

  // One transaction per organization under its billing lock: a second instance starting at the
  // same time waits here and then finds it linked; webhooks about it apply after us.
  return db.transaction(async (tx) => {
    await lockOrganizationBilling(tx, organizationId);
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId));
    const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.organizationId, organizationId));
    if (!org || !row) return { slug: demo.slug, outcome: "skipped" as const, message: "no subscription row" };

    // Forget Stripe ids this Stripe doesn't know (e.g. the emulator's data file was deleted).
    const customerKnown = org.stripeCustomerId
      ? await exists(() => stripe.customers.retrieve(org.stripeCustomerId!))
      : false;
    if (org.stripeCustomerId && !customerKnown) {
      await tx
        .update(organizations)
        .set({ stripeCustomerId: null, paymentMethod: null, updatedAt: new Date() })
        .where(eq(organizations.id, organizationId));
      // Our copies of that customer's invoices mirror nothing any more (an old "open" one would
      // even stand in for the new one in the dunning banner); the seeded history stays.
      await tx.delete(invoices).where(and(eq(invoices.organizationId, organizationId), eq(invoices.source, "stripe")));
    }
    if (row.stripeSubscriptionId) {
      if (customerKnown && (await exists(() => stripe.subscriptions.retrieve(row.stripeSubscriptionId!)))) {
        return {
          slug: demo.slug,
          outcome: "already_linked" as const,
          message: `already linked (${row.stripeSubscriptionId})`,
        };
      }
      await tx
        .update(subscriptions)
        .set({
          stripeSubscriptionId: null,
          stripeCustomerId: null,
          stripePriceId: null,
          stripeLastEventCreated: null,
          cancelAtPeriodEnd: false,
          canceledAt: null,
          updatedAt: new Date(),
        })
        .where(eq(subscriptions.organizationId, organizationId));
    }
    // Someone moved it off its demo plan (e.g. canceled to Free): that is theirs to keep.
    if (row.planId !== demo.plan)
      return {
        slug: demo.slug,
        outcome: "skipped" as const,
        message: `on ${row.planId}, not the demo's ${demo.plan}: left alone`,
      };

    if (!catalog.checked) {
      await forgetUnknownCatalogIds(tx, stripe);
      catalog.checked = true;
    }
    const hooli = demo.status === "past_due";
    const nowSec = Math.floor(now.getTime() / 1000);
    // Past due: subscribed a month before a renewal two days ago, which fails (Stripe's first
    // retry, 3 days later, is still to come); the period since then has two days of usage.
    const start = hooli
      ? Math.floor(addMonths(new Date(now.getTime() - 2 * 86_400_000), -1).getTime() / 1000)
      : // Acme and Initech subscribe on their seeded period's start: this period's usage and the
        // seeded history before it stay theirs, and Stripe bills from there on.
        Math.floor(paidPeriod(demo, now).start.getTime() / 1000);

    const customer = await findOrCreateCustomer(tx, stripe, { organizationId, name: demo.name, start });
    const clock = await clockOf(stripe, customer);
    await ensureCard(tx, stripe, organizationId, customer);

    const existing = (await stripe.subscriptions.list({ customer, status: "all", limit: 10 })).data.find(
      (s) => s.status !== "canceled" && s.status !== "incomplete_expired",
    );
    let subscriptionId: string;
    if (existing) {
      await applyStripeSubscription(tx, existing, { actor: DEMO_LINK_ACTOR });
      subscriptionId = existing.id;
    } else if (demo.plan === "enterprise") {
      const custom = demo.custom!;
      ({ subscriptionId } = await setEnterpriseTerms(tx, stripe, {
        organizationId,
        actor: DEMO_LINK_ACTOR,
        reason: "Demo data: the seeded Enterprise terms, billed through the local Stripe emulator",
        cycle: demo.cycle,
        pricePerSeatCents: custom.pricePerSeatCents,
        limits: {
          maxAgents: custom.maxAgents,
          maxExecutionsPerMonth: custom.maxExecutionsPerMonth,
          maxStorageGb: custom.maxStorageGb,
          maxGateways: custom.maxGateways,
        },
      }));
    } else {
      ({ subscriptionId } = await changePlan(tx, stripe, {
        organizationId,
        planId: demo.plan,
        cycle: demo.cycle,
        actor: DEMO_LINK_ACTOR,
      }));
    }

    let sub = await stripe.subscriptions.retrieve(subscriptionId);
    if (clock) {
      const frozen = (await stripe.testHelpers.testClocks.retrieve(clock)).frozen_time;
      if (hooli && sub.status === "active") {
        // The card starts declining, then time passes the period end: the renewal fails.
        await attachPaymentMethod(tx, stripe, {
          organizationId,
          paymentMethod: "pm_card_chargeCustomerFail",
          actor: DEMO_LINK_ACTOR,
        });
        const end = sub.items.data[0]?.current_period_end ?? nowSec;
        await stripe.testHelpers.testClocks.advance(clock, { frozen_time: Math.max(end + 60, nowSec, frozen + 1) });
      } else if (!hooli && frozen < nowSec) {
        await stripe.testHelpers.testClocks.advance(clock, { frozen_time: nowSec });
      }
      sub = await stripe.subscriptions.retrieve(subscriptionId);
    }

    // Stripe's answers, applied now: the webhooks that follow find the same state.
    await applyStripeSubscription(tx, sub, { actor: DEMO_LINK_ACTOR });
    const open: Stripe.Invoice[] = [];
    for await (const inv of stripe.invoices.list({ customer, limit: 100 })) {
      await upsertStripeInvoice(tx, inv);
      if (inv.status === "open" && invoiceSubscriptionId(inv) === sub.id) open.push(inv);
    }
    // Stripe bills the organization from `start` on: a seeded invoice for a period that reaches
    // past it would bill the same time twice (two $294 invoices for Acme's month, two open ones
    // for Hooli). Only the seeded history older than the subscription stays.
    await tx
      .delete(invoices)
      .where(
        and(
          eq(invoices.organizationId, organizationId),
          eq(invoices.source, "manual"),
          eq(invoices.memo, SEEDED_INVOICE_MEMO),
          gt(invoices.periodEnd, new Date(start * 1000)),
        ),
      );
    // Linking re-anchors the seeded period on Stripe's on purpose and recounts it from the events
    // below: not a customer's plan change, so nothing is carried (lib/usage/period-carry).
    await tx
      .update(subscriptions)
      .set({ usagePeriodsFrom: null })
      .where(eq(subscriptions.organizationId, organizationId));
    await tx
      .delete(usageCounters)
      .where(and(eq(usageCounters.organizationId, organizationId), gt(usageCounters.carried, 0)));
    await rebuildUsageCounters(tx, organizationId, now);

    const [card] = await tx
      .select({ card: organizations.paymentMethod })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    const item = sub.items.data[0];
    const cycle = item?.price.recurring?.interval === "year" ? "annual" : "monthly";
    const due = open[0]
      ? `; invoice ${open[0].number ?? open[0].id} ${formatMoney(open[0].amount_due, open[0].currency)} open after ${open[0].attempt_count} attempt${open[0].attempt_count === 1 ? "" : "s"}, next retry ${fmtDay(open[0].next_payment_attempt)}`
      : "";
    const message =
      `linked ${demo.slug} to the local Stripe emulator: ${customer}, ${demo.plan} ${cycle} × ${item?.quantity ?? 1} seats at ${formatMoney(item?.price.unit_amount ?? 0, sub.currency)}, ` +
      `${sub.id} ${sub.status}, card ${card?.card ? `${card.card.brand} ${card.card.last4}` : "none"}${due}`;
    return { slug: demo.slug, outcome: "linked" as const, message };
  });
}

/** The organization's customer: the one on its row, one Stripe already has for it, or a new one on a test clock frozen at `start`. */
async function findOrCreateCustomer(
  tx: Queryable,
  stripe: Stripe,
  input: { organizationId: string; name: string; start: number },
): Promise<string> {
  const [org] = await tx
    .select({ customer: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  if (org?.customer) return org.customer;
  const found = await stripe.customers.search({
    query: `metadata['organization_id']:'${input.organizationId}'`,
    limit: 10,
  });
  const reuse = found.data[0];
  if (reuse) {
    await tx
      .update(organizations)
      .set({ stripeCustomerId: reuse.id, updatedAt: new Date() })
      .where(and(eq(organizations.id, input.organizationId), isNull(organizations.stripeCustomerId)));
    return reuse.id;
  }
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: input.start, name: `Demo: ${input.name}` });
  return ensureCustomer(tx, stripe, input.organizationId, { testClock: clock.id });
}

async function clockOf(stripe: Stripe, customer: string): Promise<string | null> {
  const c = await stripe.customers.retrieve(customer);
  return "deleted" in c && c.deleted ? null : idOf((c as Stripe.Customer).test_clock ?? null);
}

/** A card on file: the customer's default card if Stripe has one, else the test Visa through the same path as the card picker. */
async function ensureCard(tx: Queryable, stripe: Stripe, organizationId: string, customer: string): Promise<void> {
  const [org] = await tx
    .select({ card: organizations.paymentMethod })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (org?.card) return;
  const c = (await stripe.customers.retrieve(customer, {
    expand: ["invoice_settings.default_payment_method"],
  })) as Stripe.Customer;
  const pm = c.invoice_settings?.default_payment_method;
  if (pm && typeof pm !== "string") {
    await tx
      .update(organizations)
      .set({ paymentMethod: summarize(pm), updatedAt: new Date() })
      .where(eq(organizations.id, organizationId));
    return;
  }
  const attached = await attachPaymentMethod(tx, stripe, {
    organizationId,
    paymentMethod: "pm_card_visa",
    actor: DEMO_LINK_ACTOR,
  });
  if (attached.status !== "succeeded") throw new Error("the test Visa was not saved");
}

/** Plan products and prices this Stripe doesn't know are forgotten, so the catalog is made again on first use. */
async function forgetUnknownCatalogIds(tx: Queryable, stripe: Stripe): Promise<void> {
  for (const plan of await tx.select().from(plans)) {
    const checks = [
      plan.stripeProductId ? () => stripe.products.retrieve(plan.stripeProductId!) : null,
      plan.stripePriceMonthlyId ? () => stripe.prices.retrieve(plan.stripePriceMonthlyId!) : null,
      plan.stripePriceAnnualId ? () => stripe.prices.retrieve(plan.stripePriceAnnualId!) : null,
    ].filter((c) => c !== null);
    let known = true;
    for (const check of checks) known = known && (await exists(check));
    if (!known)
      await tx
        .update(plans)
        .set({ stripeProductId: null, stripePriceMonthlyId: null, stripePriceAnnualId: null })
        .where(eq(plans.id, plan.id));
  }
}

/**
 * The subscription's period moved: count this and the previous usage period from the raw events,
 * and drop counters of periods that start later (the seeded or an earlier link's period), which
 * would otherwise read as the latest. Counters are derived: the events stay.
 */
async function rebuildUsageCounters(tx: Queryable, organizationId: string, now: Date): Promise<void> {
  const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.organizationId, organizationId));
  if (!row) return;
  const source = periodSourceOf({ subscription: row, planId: row.planId, freePlanId: FREE_PLAN_ID });
  const current = usagePeriodFor(source, now);
  await tx
    .delete(usageCounters)
    .where(and(eq(usageCounters.organizationId, organizationId), gt(usageCounters.periodStart, current.start)));
  await rebuildCounters(tx, organizationId, current);
  await rebuildCounters(tx, organizationId, usagePeriodFor(source, new Date(current.start.getTime() - 1)));
}

async function exists(retrieve: () => Promise<object>): Promise<boolean> {
  try {
    const obj = await retrieve();
    return !("deleted" in obj && obj.deleted);
  } catch (err) {
    if (
      err instanceof Stripe.errors.StripeInvalidRequestError &&
      (err.code === "resource_missing" || err.statusCode === 404)
    )
      return false;
    throw err;
  }
}

function fmtDay(unix: number | null): string {
  return unix ? new Date(unix * 1000).toISOString().slice(0, 10) : "none";
}
