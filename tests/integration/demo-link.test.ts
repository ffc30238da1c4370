import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { invoices, organizations, plans, stripeEvents, subscriptions, usageCounters } from "@/db/schema";
import { seedDemo } from "@/demo";
import { cancelAtPeriodEnd, changePlan, resumeSubscription, syncSeats } from "@/lib/billing";
import { DEMO_LINK_ACTOR, linkDemoOrganizations } from "@/demo";
import { createStripeClient, type Stripe } from "@/lib/stripe/client";
import { startEmulator } from "@agentbill/stripe-emulator";
import { getBillingDashboard } from "@/lib/usage/trends";
import { addMember, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * The seeded demo organizations become real customers of the Stripe emulator: Acme on Pro
 * monthly, Initech on its Enterprise terms, Hooli past due after a failed renewal. Our rows equal
 * Stripe's right after linking (before any webhook) and after the webhooks; a second run changes
 * nothing; an emulator that lost its state gets them linked again.
 */

let env: BillingEnv;
const lines: string[] = [];
beforeAll(async () => {
  env = await startBillingEnv();
  await seedDemo(env.database.db);
}, 180_000);
afterAll(async () => env?.stop());

const db = () => env.database.db;
async function orgRow(slug: string) {
  const [org] = await db().select().from(organizations).where(eq(organizations.slug, slug));
  const [sub] = await db().select().from(subscriptions).where(eq(subscriptions.organizationId, org!.id));
  return { org: org!, sub: sub! };
}

/** Our organization and subscription rows equal Stripe's subscription, price and default card. */
async function expectEqualToStripe(stripe: Stripe, slug: string) {
  const { org, sub } = await orgRow(slug);
  const remote = await stripe.subscriptions.retrieve(sub.stripeSubscriptionId!);
  const item = remote.items.data[0]!;
  expect(sub).toMatchObject({
    stripeSubscriptionId: remote.id,
    stripeCustomerId: remote.customer,
    status: remote.status,
    seats: item.quantity,
    billingCycle: item.price.recurring?.interval === "year" ? "annual" : "monthly",
    stripePriceId: item.price.id,
    currentPeriodStart: new Date(item.current_period_start * 1000),
    currentPeriodEnd: new Date(item.current_period_end * 1000),
    cancelAtPeriodEnd: remote.cancel_at_period_end,
  });
  expect(org.stripeCustomerId).toBe(remote.customer);
  const customer = (await stripe.customers.retrieve(org.stripeCustomerId!, {
    expand: ["invoice_settings.default_payment_method"],
  })) as Stripe.Customer;
  const pm = customer.invoice_settings.default_payment_method as Stripe.PaymentMethod;
  expect(org.paymentMethod).toEqual({
    id: pm.id,
    brand: pm.card!.brand,
    last4: pm.card!.last4,
    expMonth: pm.card!.exp_month,
    expYear: pm.card!.exp_year,
  });
  return { org, sub, remote, item, customer };
}

async function expectDemoState(stripe: Stripe, acmeSeats = 6) {
  const acme = await expectEqualToStripe(stripe, "acme");
  expect(acme.sub).toMatchObject({ planId: "pro", status: "active", billingCycle: "monthly", seats: acmeSeats });
  expect(acme.item.price.id).toBe(
    (await db().select().from(plans).where(eq(plans.id, "pro")))[0]!.stripePriceMonthlyId,
  );
  expect(acme.org.paymentMethod).toMatchObject({ brand: "visa", last4: "4242" });
  expect(acme.customer.test_clock).toBeTruthy();

  const initech = await expectEqualToStripe(stripe, "initech");
  expect(initech.sub).toMatchObject({
    planId: "enterprise",
    status: "active",
    billingCycle: "annual",
    seats: 4,
    customPricePerSeatCents: 42_000,
    maxAgents: 500,
    maxExecutionsPerMonth: 2_000_000,
    maxStorageGb: 2_000,
    maxGateways: 50,
  });
  expect(initech.item.price).toMatchObject({
    unit_amount: 42_000,
    metadata: { plan_id: "enterprise", organization_id: initech.org.id },
  });
  expect(initech.remote.collection_method).toBe("charge_automatically");
  expect(initech.org.paymentMethod).toMatchObject({ brand: "visa", last4: "4242" });

  const hooli = await expectEqualToStripe(stripe, "hooli");
  expect(hooli.sub).toMatchObject({ planId: "pro", status: "past_due", seats: 2 });
  expect(hooli.sub.pastDueSince).toBeInstanceOf(Date);
  expect(hooli.org.paymentMethod).toMatchObject({ last4: "0341" });
  const [open] = (await stripe.invoices.list({ customer: hooli.org.stripeCustomerId!, status: "open" })).data;
  expect(open).toMatchObject({ amount_due: 2 * 4_900, billing_reason: "subscription_cycle" });
  expect(open!.attempt_count).toBeGreaterThanOrEqual(1);
  expect(open!.next_payment_attempt).toBeGreaterThan(Math.floor(Date.now() / 1000));
  const [ours] = await db().select().from(invoices).where(eq(invoices.stripeInvoiceId, open!.id));
  expect(ours).toMatchObject({
    status: "open",
    amountDueCents: 9_800,
    attemptCount: open!.attempt_count,
    nextPaymentAttempt: new Date(open!.next_payment_attempt! * 1000),
  });
  // The dunning banner's data: this invoice, its amount and the next retry.
  const dashboard = await getBillingDashboard(db(), hooli.org.id, { days: 30 });
  // The failed renewal started a new period two days ago: its usage is counted.
  expect(dashboard.overview.usagePeriod.start).toEqual(hooli.sub.currentPeriodStart);
  expect(dashboard.overview.metrics.find((m) => m.metric === "executions")!.used).toBeGreaterThan(0);
  expect(dashboard.outstanding).toMatchObject({
    number: open!.number,
    amountDueCents: 9_800,
    nextPaymentAttempt: new Date(open!.next_payment_attempt! * 1000),
  });
  return { acme, initech, hooli };
}

/** No two of an organization's invoices bill overlapping periods (the seeded history and Stripe's). */
function expectBilledOnce(rows: (typeof invoices.$inferSelect)[]): void {
  const periods = rows
    .map((i) => ({ n: i.number ?? i.id, start: i.periodStart!.getTime(), end: i.periodEnd!.getTime() }))
    .sort((a, b) => a.start - b.start);
  for (let k = 1; k < periods.length; k++) {
    expect(periods[k]!.start, `${periods[k - 1]!.n} and ${periods[k]!.n} overlap`).toBeGreaterThanOrEqual(
      periods[k - 1]!.end,
    );
  }
}

const count = async (stripe: Stripe) => ({
  customers: (await stripe.customers.list({ limit: 100 })).data.length,
  subscriptions: (await stripe.subscriptions.list({ status: "all", limit: 100 })).data.length,
  clocks: (await stripe.testHelpers.testClocks.list({ limit: 100 })).data.length,
});

describe("linking the demo organizations to the Stripe emulator", () => {
  it("makes Acme, Initech and Hooli real subscriptions: our rows are Stripe's before and after the webhooks", async () => {
    const results = await linkDemoOrganizations(db(), env.stripe, {
      log: (l) => lines.push(l),
      warn: (l) => lines.push(`WARN ${l}`),
    });
    expect(results.map((r) => [r.slug, r.outcome])).toEqual([
      ["acme", "linked"],
      ["initech", "linked"],
      ["hooli", "linked"],
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(
      /^Demo data: linked hooli .* past_due, card visa 0341; invoice .* \$98\.00 open after \d+ attempts?, next retry \d{4}-\d{2}-\d{2}$/,
    );
    await expectDemoState(env.stripe); // applied from Stripe's answers, whatever the webhooks did yet
    await env.settle();
    const { acme, hooli } = await expectDemoState(env.stripe);
    // Every webhook the linking caused was applied (none failed against the state we wrote).
    const events = await db().select({ status: stripeEvents.status, error: stripeEvents.lastError }).from(stripeEvents);
    expect(events.length).toBeGreaterThan(10);
    expect(events.filter((e) => e.status === "failed")).toEqual([]);

    // Acme's subscription starts with its seeded period, so this period's usage is still counted.
    const dashboard = await getBillingDashboard(db(), acme.org.id, { days: 30 });
    expect(dashboard.overview.usagePeriod.start).toEqual(acme.sub.currentPeriodStart);
    expect(dashboard.overview.metrics.find((m) => m.metric === "executions")!.used).toBeGreaterThan(0);
    const acmeInvoices = await db().select().from(invoices).where(eq(invoices.organizationId, acme.org.id));
    expect(acmeInvoices.filter((i) => i.source === "stripe")).toMatchObject([
      { status: "paid", totalCents: 6 * 4_900, billingReason: "subscription_create" },
    ]);
    // Each month is billed once: the seeded history stops where Stripe's billing starts.
    expect(acmeInvoices.filter((i) => i.source === "manual").map((i) => i.number)).toEqual(["ACME-0001", "ACME-0002"]);
    expectBilledOnce(acmeInvoices);
    const hooliInvoices = await db().select().from(invoices).where(eq(invoices.organizationId, hooli.org.id));
    expect(hooliInvoices.filter((i) => i.source === "stripe")).toHaveLength(2);
    expectBilledOnce(hooliInvoices);
    // The one unpaid invoice is Stripe's failed renewal: the dunning banner and the list agree.
    expect(hooliInvoices.filter((i) => i.status === "open").map((i) => i.source)).toEqual(["stripe"]);
  });

  it("a second run changes nothing and makes no Stripe objects", async () => {
    const before = await count(env.stripe);
    const rows = await Promise.all(["acme", "initech", "hooli"].map(orgRow));
    const results = await linkDemoOrganizations(db(), env.stripe);
    expect(results.map((r) => r.outcome)).toEqual(["already_linked", "already_linked", "already_linked"]);
    expect(await count(env.stripe)).toEqual(before);
    expect(await Promise.all(["acme", "initech", "hooli"].map(orgRow))).toEqual(rows);
  });

  it("Acme then behaves like any customer: its subscription is the one changed, seats reach Stripe", async () => {
    const { org, sub } = await orgRow("acme");
    const args = [db(), env.stripe] as const;
    // Not "already on the Free plan": cancelling its real subscription is allowed (over Free's limits too), and resumed.
    expect(await cancelAtPeriodEnd(...args, { organizationId: org.id, actor: DEMO_LINK_ACTOR })).toEqual({
      subscriptionId: sub.stripeSubscriptionId,
      unchanged: false,
    });
    expect(await resumeSubscription(...args, { organizationId: org.id, actor: DEMO_LINK_ACTOR })).toEqual({
      subscriptionId: sub.stripeSubscriptionId,
      unchanged: false,
    });

    // Monthly to annual moves the same subscription (no second one, no card asked for).
    const changed = await changePlan(...args, {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual",
      actor: DEMO_LINK_ACTOR,
    });
    expect(changed).toEqual({ subscriptionId: sub.stripeSubscriptionId, unchanged: false });
    expect((await env.stripe.subscriptions.list({ customer: org.stripeCustomerId!, status: "all" })).data).toHaveLength(
      1,
    );
    expect((await expectEqualToStripe(env.stripe, "acme")).sub.billingCycle).toBe("annual");

    await addMember(env.database, org.id);
    expect(await syncSeats(...args, { organizationId: org.id, actor: DEMO_LINK_ACTOR })).toEqual({
      seats: 7,
      changed: true,
    });
    expect((await expectEqualToStripe(env.stripe, "acme")).item.quantity).toBe(7);
    await env.settle();
    await expectEqualToStripe(env.stripe, "acme");
  });

  it("a Stripe that never saw our ids (emulator data deleted) gets them linked again", async () => {
    const fresh = await startEmulator({ port: 0, webhookSecret: "whsec_test" });
    try {
      const stripe = createStripeClient({ kind: "emulator", port: fresh.port });
      const old = await orgRow("hooli");
      // A counter of a usage period that starts after the one the new subscription will have (as an
      // earlier link's period can): it would read as the latest and hide this period's usage.
      const later = new Date(Date.now() - 3_600_000);
      await db()
        .insert(usageCounters)
        .values({
          organizationId: old.org.id,
          metric: "executions",
          periodStart: later,
          periodEnd: new Date(later.getTime() + 30 * 86_400_000),
          value: 1,
        });
      const results = await linkDemoOrganizations(db(), stripe);
      expect(results.map((r) => [r.slug, r.outcome])).toEqual([
        ["acme", "linked"],
        ["initech", "linked"],
        ["hooli", "linked"],
      ]);
      expect((await orgRow("hooli")).org.stripeCustomerId).not.toBe(old.org.stripeCustomerId);
      // Acme had 7 members by now: its new subscription counts them. Hooli's banner shows the new
      // open invoice: the copies of the lost Stripe's invoices are gone, the seeded history stays.
      await expectDemoState(stripe, 7);
      const hooliInvoices = await db().select().from(invoices).where(eq(invoices.organizationId, old.org.id));
      expect(
        hooliInvoices
          .filter((i) => i.source === "stripe")
          .map((i) => i.stripeInvoiceId)
          .sort(),
      ).toEqual(
        (await stripe.invoices.list({ customer: (await orgRow("hooli")).org.stripeCustomerId! })).data
          .map((i) => i.id)
          .sort(),
      );
      expect(hooliInvoices.filter((i) => i.source === "manual").length).toBeGreaterThan(0);
      expectBilledOnce(hooliInvoices);
      expect(
        await db()
          .select()
          .from(usageCounters)
          .where(and(eq(usageCounters.organizationId, old.org.id), eq(usageCounters.periodStart, later))),
      ).toEqual([]);
      const [pro] = await db().select().from(plans).where(eq(plans.id, "pro"));
      expect((await stripe.prices.retrieve(pro!.stripePriceMonthlyId!)).unit_amount).toBe(4_900);
      expect(await count(stripe)).toEqual({ customers: 3, subscriptions: 3, clocks: 3 });
      expect((await linkDemoOrganizations(db(), stripe)).map((r) => r.outcome)).toEqual([
        "already_linked",
        "already_linked",
        "already_linked",
      ]);
    } finally {
      await fresh.stop();
    }
  });

  it("a Stripe that doesn't answer is one warning, not a crash", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const warnings: string[] = [];
    const results = await linkDemoOrganizations(db(), createStripeClient({ kind: "emulator", port }), {
      warn: (l) => warnings.push(l),
    });
    expect(results).toMatchObject([{ slug: "acme", outcome: "failed" }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("could not link acme to the local Stripe emulator");
  });
});
