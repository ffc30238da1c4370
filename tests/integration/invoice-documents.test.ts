import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { billingDetails, invoices, organizations, subscriptions, usageCounters, usageRecords } from "@/db/schema";
import {
  attachPaymentMethod,
  changePlan,
  ensureCustomer,
  parseBillingDetails,
  previewPlanChange,
  saveBillingDetails,
} from "@/lib/billing";
import {
  getInvoiceDocument,
  getStripeBillingOutlook,
  invoiceUsage,
  listInvoices,
  noteText,
  renderInvoicePdf,
} from "@/lib/invoices";
import { makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { pdfText } from "../support/pdf-text";

/**
 * Invoice documents, credits and the next invoice, through the real services against the
 * Stripe emulator (webhooks delivered to the app's route).
 */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const DAY = 86_400;
const db = () => env.database.db;

async function paidOrg(cycle: "monthly" | "annual", members = 3) {
  const o = await makeOrg(env.database, { members });
  const clock = await env.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
  await ensureCustomer(db(), env.stripe, o.org.id, { testClock: clock.id });
  await attachPaymentMethod(db(), env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  await changePlan(db(), env.stripe, { organizationId: o.org.id, planId: "pro", cycle, actor: o.actor });
  await env.settle();
  return { ...o, clock };
}

async function advance(clockId: string, seconds: number) {
  const clock = await env.stripe.testHelpers.testClocks.retrieve(clockId);
  await env.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: clock.frozen_time + seconds });
  await env.settle();
}

describe("credits and the next invoice", () => {
  it("shows the credit of an annual → monthly switch, the switch as a credit, and Stripe's estimate with the credit applied", async () => {
    const { org, actor, clock } = await paidOrg("annual", 3);
    await advance(clock.id, 10 * DAY);
    await changePlan(db(), env.stripe, { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await env.settle();

    const { balance, upcoming } = await getStripeBillingOutlook(db(), env.stripe, org.id);
    expect(balance.kind).toBe("known");
    const credit = balance.kind === "known" ? -balance.balanceCents : 0;
    // 3 × $490 a year with 355 of 365 days unused, less the first month at 3 × $49.
    expect(credit).toBeGreaterThan(100_000);
    expect(upcoming).toMatchObject({
      kind: "preview",
      totalCents: 3 * 4_900,
      amountDueCents: 0,
      creditAppliedCents: 3 * 4_900,
      creditAfterCents: credit - 3 * 4_900,
    });

    // A plan change previewed now says how the credit meets it: Stripe's due amount, and why.
    const back = await previewPlanChange(db(), env.stripe, { organizationId: org.id, planId: "pro", cycle: "annual" });
    expect(back.amounts.creditAppliedCents).toBe(Math.min(credit, back.amounts.totalCents));
    expect(back.dueNowCents).toBe(Math.max(0, back.amounts.totalCents - credit));
    expect(back.amounts.amountDueCents).toBe(back.dueNowCents);

    const { items } = await listInvoices(db(), org.id, { page: 1, pageSize: 10 });
    const switchInvoice = items.find((i) => i.totalCents < 0)!;
    expect(switchInvoice).toMatchObject({ status: "paid", amountDueCents: 0, amountPaidCents: 0 });
    expect(items[0]!.id).toBe(switchInvoice.id);
    const doc = await getInvoiceDocument(db(), switchInvoice.id, org.id);
    expect(doc.kind).toBe("credit");
    expect(doc.totals.find((t) => t.key === "credited")?.cents).toBe(credit);
    expect(noteText(doc)).toMatch(/^Nothing to pay: this invoice credits \$[\d,]+\.\d\d to your balance/);

    // The next renewal is paid from the credit: the invoice says so.
    await advance(clock.id, 32 * DAY);
    const renewal = (await listInvoices(db(), org.id, { page: 1, pageSize: 1 })).items[0]!;
    expect(renewal).toMatchObject({ totalCents: 3 * 4_900, amountDueCents: 0, status: "paid" });
    const renewalDoc = await getInvoiceDocument(db(), renewal.id, org.id);
    expect(renewalDoc.totals.find((t) => t.key === "credit_used")?.cents).toBe(-3 * 4_900);
    expect(noteText(renewalDoc)).toBe("Nothing to pay: your credit balance paid $147.00 of this invoice.");
  });

  it("has no upcoming invoice for Free, and says so instead of failing", async () => {
    const { org } = await makeOrg(env.database);
    expect(await getStripeBillingOutlook(db(), env.stripe, org.id)).toEqual({
      balance: { kind: "none" },
      upcoming: { kind: "none" },
    });
  });
});

describe("billing details", () => {
  it("are stored here and on the Stripe customer, printed on the invoice page and PDF", async () => {
    const { org, actor } = await paidOrg("monthly", 2);
    const fields = {
      email: "AP@Acme.example",
      name: "Acme Robotics GmbH",
      line1: "Unter den Linden 1",
      line2: "",
      city: "Berlin",
      state: "",
      postalCode: "10117",
      country: "DE",
      taxId: "de 123 456 789",
    };
    const saved = await saveBillingDetails(db(), env.stripe, {
      organizationId: org.id,
      actor,
      details: parseBillingDetails(fields),
    });
    expect(saved.unchanged).toBe(false);
    expect(saved.details).toMatchObject({
      email: "ap@acme.example",
      name: "Acme Robotics GmbH",
      country: "DE",
      taxId: { type: "eu_vat", value: "DE123456789", label: "VAT number" },
    });
    const [o] = await db().select().from(organizations).where(eq(organizations.id, org.id));
    const customer = (await env.stripe.customers.retrieve(o!.stripeCustomerId!)) as {
      name: string;
      email: string;
      address: unknown;
    };
    expect(customer).toMatchObject({
      name: "Acme Robotics GmbH",
      email: "ap@acme.example",
      address: { line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" },
    });
    const taxIds = await env.stripe.customers.listTaxIds(o!.stripeCustomerId!);
    expect(taxIds.data.map((t) => [t.type, t.value])).toEqual([["eu_vat", "DE123456789"]]);

    // Saving the same again changes nothing; a new VAT ID replaces the old one at Stripe.
    expect(
      (
        await saveBillingDetails(db(), env.stripe, {
          organizationId: org.id,
          actor,
          details: parseBillingDetails(fields),
        })
      ).unchanged,
    ).toBe(true);
    await saveBillingDetails(db(), env.stripe, {
      organizationId: org.id,
      actor,
      details: parseBillingDetails({ ...fields, taxId: "DE999999999" }),
    });
    const after = await env.stripe.customers.listTaxIds(o!.stripeCustomerId!);
    expect(after.data.map((t) => t.value)).toEqual(["DE999999999"]);

    const [inv] = await db().select().from(invoices).where(eq(invoices.organizationId, org.id)).limit(1);
    const doc = await getInvoiceDocument(db(), inv!.id, org.id);
    expect(doc.customer).toEqual({
      name: "Acme Robotics GmbH",
      addressLines: ["Unter den Linden 1", "10117 Berlin", "Germany"],
      email: "ap@acme.example",
      taxId: { label: "VAT number", value: "DE999999999" },
    });
    expect(doc.seller.name).toBe("AgentBill Inc.");
    const text = pdfText(await renderInvoicePdf(doc)).join("\n");
    for (const s of [
      "Acme Robotics GmbH",
      "10117 Berlin",
      "VAT number: DE999999999",
      "AgentBill Inc.",
      "billing@agentbill.test",
    ])
      expect(text).toContain(s);
    expect(text).not.toContain("Stripe");
  });

  it("refuses bad input with field messages and saves nothing; a Stripe failure saves nothing either", async () => {
    const { org, actor } = await makeOrg(env.database);
    expect(() =>
      parseBillingDetails({
        email: "x@y.test",
        line1: "1 Main St",
        city: "Springfield",
        country: "US",
        postalCode: "ABCDE",
      }),
    ).toThrow(/postal code of United States/);
    expect(await db().select().from(billingDetails).where(eq(billingDetails.organizationId, org.id))).toEqual([]);

    const customer = await ensureCustomer(db(), env.stripe, org.id);
    await env.stripe.customers.del(customer);
    await expect(
      saveBillingDetails(db(), env.stripe, {
        organizationId: org.id,
        actor,
        details: parseBillingDetails({
          email: "new@y.test",
          line1: "1 Main St",
          city: "Springfield",
          country: "US",
          state: "IL",
          postalCode: "62701",
        }),
      }),
    ).rejects.toMatchObject({ name: "AppError" });
    expect(await db().select().from(billingDetails).where(eq(billingDetails.organizationId, org.id))).toEqual([]);
    const [o] = await db().select().from(organizations).where(eq(organizations.id, org.id));
    expect(o!.billingEmail).not.toBe("new@y.test");
  });
});

describe("usage on invoices", () => {
  const at = (s: string) => new Date(s);

  it("shows an annual Pro invoice the Pro slice against Pro's limits, never the Free month before it", async () => {
    const { org } = await makeOrg(env.database);
    const freeMonth = { start: at("2026-12-01T00:00:00Z"), end: at("2027-01-01T00:00:00Z") };
    const year = { start: at("2026-12-05T00:00:00Z"), end: at("2027-12-05T00:00:00Z") };
    await db()
      .update(subscriptions)
      .set({
        planId: "pro",
        billingCycle: "annual",
        seats: 1,
        currentPeriodStart: year.start,
        currentPeriodEnd: year.end,
        stripeSubscriptionId: `sub_test_${org.id.slice(0, 8)}`,
        maxUsers: null,
        maxAgents: 100,
        maxExecutionsPerMonth: 100_000,
        maxStorageGb: 100,
        maxGateways: 10,
      })
      .where(eq(subscriptions.organizationId, org.id));
    await db()
      .insert(usageCounters)
      .values([
        {
          organizationId: org.id,
          metric: "executions",
          periodStart: freeMonth.start,
          periodEnd: freeMonth.end,
          value: 9_400,
        },
        {
          organizationId: org.id,
          metric: "executions",
          periodStart: year.start,
          periodEnd: at("2027-01-05T00:00:00Z"),
          value: 512,
        },
      ]);
    const now = at("2026-12-20T00:00:00Z");
    const usage = await invoiceUsage(
      db(),
      { organizationId: org.id, periodStart: year.start, periodEnd: year.end },
      now,
    );
    expect(usage?.periods).toHaveLength(1);
    const p = usage!.periods[0]!;
    expect(p).toMatchObject({ periodStart: year.start, periodEnd: at("2027-01-05T00:00:00Z"), state: "open" });
    const row = (m: string) => p.rows.find((r) => r.metric === m);
    expect(row("executions")).toEqual({ metric: "executions", used: 512, limit: 100_000 });
    expect(row("agents")?.limit).toBe(100);
    expect(row("storage_bytes")?.limit).toBe(100 * 1_000_000_000);
    expect(row("users")?.limit).toBeNull();
  });

  it("shows a closed month its record's limits, and a seat change mid-month the month it falls in", async () => {
    const { org } = await makeOrg(env.database);
    const nov = { start: at("2026-11-05T00:00:00Z"), end: at("2026-12-05T00:00:00Z") };
    await db()
      .insert(usageRecords)
      .values({
        organizationId: org.id,
        periodStart: nov.start,
        periodEnd: nov.end,
        planId: "pro",
        seats: 6,
        users: 6,
        agents: 40,
        executions: 67_488,
        storageBytes: 30_000_000_000,
        gateways: 3,
        limits: { maxUsers: null, maxAgents: 100, maxExecutionsPerMonth: 100_000, maxStorageGb: 100, maxGateways: 10 },
        baseCents: 29_400,
        overageCents: 0,
        costCents: 29_400,
        currency: "usd",
        closedAt: nov.end,
      });
    const now = at("2027-02-01T00:00:00Z");
    const full = await invoiceUsage(
      db(),
      { organizationId: org.id, ...{ periodStart: nov.start, periodEnd: nov.end } },
      now,
    );
    expect(full?.periods.map((p) => [p.state, p.rows.find((r) => r.metric === "executions")])).toEqual([
      ["closed", { metric: "executions", used: 67_488, limit: 100_000 }],
    ]);
    const seat = await invoiceUsage(
      db(),
      { organizationId: org.id, periodStart: at("2026-11-20T00:00:00Z"), periodEnd: nov.end },
      now,
    );
    expect(seat?.periods.map((p) => p.periodStart)).toEqual([nov.start]);
    expect(await invoiceUsage(db(), { organizationId: org.id, periodStart: null, periodEnd: null }, now)).toBeNull();
    await db()
      .delete(usageRecords)
      .where(and(eq(usageRecords.organizationId, org.id), eq(usageRecords.periodStart, nov.start)));
  });
});
