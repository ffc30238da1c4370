import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/types";
import type { Database } from "@/db/connect";
import { auditLog, invoiceLines, invoices, organizations, plans, stripeEvents, subscriptions } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { createStripeClient } from "@/lib/stripe/client";
import { startEmulator, type RunningEmulator } from "@agentbill/stripe-emulator";
import { signWebhookPayload, verifyStripeWebhook } from "@/lib/stripe/webhooks";
import { processEvent, replayEvent } from "@/lib/webhooks";
import { isHandledEventType } from "@/lib/webhooks";
import { createTestDatabase } from "../support/db";
import { ALL_FIXTURE_EVENT_TYPES, FIXTURE_IDS, fixtureEvent, fixtureEventRaw } from "../support/stripe-fixtures";

// Handlers re-read objects from Stripe; the fixtures' objects don't exist in this empty emulator,
// so every handler here falls back to the event's own copy (resource_missing).
let emulator: RunningEmulator;
let offlineStripe: ReturnType<typeof createStripeClient>;
let database: Database;
let orgId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await syncPlanCatalog(database.db);
  emulator = await startEmulator({ port: 0, webhookSecret: DEV_WEBHOOK_SECRET });
  offlineStripe = createStripeClient({ kind: "emulator", port: emulator.port });
});
afterAll(async () => {
  await emulator?.stop();
  await database?.close();
});

beforeEach(async () => {
  const db = database.db;
  await db.execute(
    sql`truncate stripe_events, invoices, invoice_lines, audit_log, subscriptions, organizations cascade`,
  );
  await db.update(plans).set({ stripePriceMonthlyId: FIXTURE_IDS.price }).where(eq(plans.id, "pro"));
  const [org] = await db
    .insert(organizations)
    .values({ slug: "fixture-co", name: "Fixture Co", stripeCustomerId: FIXTURE_IDS.customer })
    .returning();
  orgId = org!.id;
  await db.insert(subscriptions).values({
    organizationId: orgId,
    planId: "free",
    currentPeriodStart: new Date("2024-07-01T00:00:00Z"),
    currentPeriodEnd: new Date("2024-08-01T00:00:00Z"),
  });
});

const sub = async () =>
  (await database.db.select().from(subscriptions).where(eq(subscriptions.organizationId, orgId)))[0]!;
const deliver = (event: ReturnType<typeof fixtureEvent>) => processEvent(database.db, offlineStripe, event);

describe("signature verification", () => {
  const raw = fixtureEventRaw("invoice.paid");
  it("accepts Stripe's scheme over the exact bytes", () => {
    const event = verifyStripeWebhook(raw, signWebhookPayload(raw, DEV_WEBHOOK_SECRET), DEV_WEBHOOK_SECRET);
    expect(event.type).toBe("invoice.paid");
  });
  it("refuses unsigned, forged and stale requests", () => {
    expect(() => verifyStripeWebhook(raw, null, DEV_WEBHOOK_SECRET)).toThrow(/Missing Stripe-Signature/);
    expect(() => verifyStripeWebhook(raw, signWebhookPayload(raw, "whsec_someone_else"), DEV_WEBHOOK_SECRET)).toThrow(
      /verification failed/,
    );
    expect(() =>
      verifyStripeWebhook(raw.replace("paid", "void"), signWebhookPayload(raw, DEV_WEBHOOK_SECRET), DEV_WEBHOOK_SECRET),
    ).toThrow(/verification failed/);
    const stale = signWebhookPayload(raw, DEV_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600);
    expect(() => verifyStripeWebhook(raw, stale, DEV_WEBHOOK_SECRET)).toThrow(/verification failed/);
  });
  it("refuses a correctly signed body that is not a Stripe event", () => {
    const body = JSON.stringify({ hello: "world" });
    expect(() => verifyStripeWebhook(body, signWebhookPayload(body, DEV_WEBHOOK_SECRET), DEV_WEBHOOK_SECRET)).toThrow(
      /Not a Stripe event/,
    );
  });
});

describe("each handler, with Stripe's fixture events", () => {
  it("has a handler for every fixture type and records each event", async () => {
    for (const type of ALL_FIXTURE_EVENT_TYPES) expect(isHandledEventType(type), type).toBe(true);
  });

  it("customer.subscription.created puts the organization on the mapped plan", async () => {
    expect(await deliver(fixtureEvent("customer.subscription.created"))).toBe("processed");
    const s = await sub();
    expect(s).toMatchObject({
      planId: "pro",
      status: "active",
      stripeSubscriptionId: FIXTURE_IDS.subscription,
      seats: 1,
      billingCycle: "monthly",
    });
    expect(s.maxAgents).toBe(100);
  });

  it("customer.subscription.updated records a scheduled cancellation", async () => {
    await deliver(fixtureEvent("customer.subscription.created"));
    await deliver(fixtureEvent("customer.subscription.updated"));
    expect((await sub()).cancelAtPeriodEnd).toBe(true);
  });

  it("customer.subscription.deleted moves the organization to Free", async () => {
    await deliver(fixtureEvent("customer.subscription.created"));
    await deliver(fixtureEvent("customer.subscription.deleted"));
    const s = await sub();
    expect(s).toMatchObject({ planId: "free", status: "active", stripeSubscriptionId: null, maxUsers: 3 });
  });

  it("customer.subscription.trial_will_end leaves an outbox message and an audit row", async () => {
    await deliver(fixtureEvent("customer.subscription.trial_will_end"));
    const rows = await database.db.execute(sql`select kind from outbox where organization_id = ${orgId}`);
    expect(JSON.stringify(rows)).toContain("trial_will_end");
  });

  it("invoice.created / finalized / paid mirror the invoice with its lines", async () => {
    await deliver(fixtureEvent("invoice.created"));
    expect((await database.db.select().from(invoices))[0]).toMatchObject({
      status: "draft",
      stripeInvoiceId: FIXTURE_IDS.invoice,
    });
    await deliver(fixtureEvent("invoice.finalized"));
    await deliver(fixtureEvent("invoice.paid"));
    const [inv] = await database.db.select().from(invoices);
    expect(inv).toMatchObject({ status: "paid", totalCents: 2000, amountPaidCents: 2000, currency: "usd" });
    expect(inv!.number).toBeTruthy();
    const lines = await database.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv!.id));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.amountCents).toBe(2000);
  });

  it("invoice.payment_failed records the failed attempt and tells the owners once; dunning is the subscription's own status", async () => {
    await deliver(fixtureEvent("customer.subscription.created"));
    const failed = fixtureEvent("invoice.payment_failed");
    await deliver(failed);
    const [renewal] = await database.db
      .select()
      .from(invoices)
      .where(eq(invoices.stripeInvoiceId, FIXTURE_IDS.renewalInvoice));
    expect(renewal).toMatchObject({ status: "open", attemptCount: 1 });
    expect(renewal!.nextPaymentAttempt).toBeInstanceOf(Date);
    const notices = async () =>
      rowsOf<{ kind: string }>(
        await database.db.execute(
          sql`select kind from outbox where organization_id = ${orgId} and kind = 'payment_failed'`,
        ),
      );
    expect(await notices()).toHaveLength(1);
    // The event says nothing about the subscription's status: Stripe's subscription does (here
    // Stripe no longer knows it, so it stays as last read).
    expect((await sub()).status).toBe("active");
    // The same attempt seen again (another event of the invoice) is not a new failure.
    await deliver({ ...failed, id: "evt_failed_again", created: failed.created + 5 } as never);
    expect(await notices()).toHaveLength(1);
    // The same renewal invoice, later paid:
    const paid = fixtureEvent("invoice.paid") as unknown as {
      id: string;
      created: number;
      data: { object: Record<string, unknown> };
    };
    const obj = {
      ...(failed.data.object as unknown as Record<string, unknown>),
      status: "paid",
      amount_paid: 2000,
      amount_remaining: 0,
    };
    await deliver({ ...paid, id: "evt_renewal_paid", created: failed.created + 60, data: { object: obj } } as never);
    expect(
      (await database.db.select().from(invoices).where(eq(invoices.stripeInvoiceId, FIXTURE_IDS.renewalInvoice)))[0],
    ).toMatchObject({
      status: "paid",
      amountPaidCents: 2000,
    });
  });

  it("payment_method.attached shows the card when none is on file", async () => {
    await deliver(fixtureEvent("payment_method.attached"));
    const [org] = await database.db.select().from(organizations).where(eq(organizations.id, orgId));
    expect(org!.paymentMethod).toMatchObject({ id: FIXTURE_IDS.paymentMethod });
    expect(org!.paymentMethod!.last4).toMatch(/^\d{4}$/);
  });

  it("records event types we don't act on as ignored", async () => {
    const e = { ...fixtureEvent("invoice.paid"), id: "evt_unhandled_1", type: "charge.refunded" } as never;
    expect(await deliver(e)).toBe("ignored");
    const [row] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_unhandled_1"));
    expect(row!.status).toBe("ignored");
    expect(await deliver(e)).toBe("duplicate");
    expect((await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_unhandled_1")))[0]).toEqual(
      row,
    );
  });
});

describe("exactly once, in any order", () => {
  it("every event delivered twice changes nothing the second time", async () => {
    const order = [
      "payment_method.attached",
      "setup_intent.succeeded",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
      "customer.subscription.updated",
    ];
    for (const t of order) expect(await deliver(fixtureEvent(t))).not.toBe("duplicate");
    const snapshot = async () => ({
      sub: await sub(),
      invoices: await database.db.select().from(invoices),
      audit: Number((await database.db.select({ n: count() }).from(auditLog))[0]!.n),
    });
    const before = await snapshot();
    for (const t of order) expect(await deliver(fixtureEvent(t))).toBe("duplicate");
    expect(await snapshot()).toEqual(before);
  });

  it("concurrent duplicate deliveries apply once", async () => {
    const e = fixtureEvent("customer.subscription.created");
    const outcomes = await Promise.all([deliver(e), deliver(e), deliver(e)]);
    expect(outcomes.filter((o) => o === "processed")).toHaveLength(1);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, "subscription.updated"));
    expect(audits).toHaveLength(1);
  });

  it("a customer.subscription.updated sequence delivered in reverse ends in the newest state", async () => {
    await deliver(fixtureEvent("customer.subscription.created"));
    const base = fixtureEvent("customer.subscription.updated");
    const obj = base.data.object as unknown as {
      items: { data: { quantity: number }[] };
      cancel_at_period_end: boolean;
      cancel_at: number | null;
    };
    const versions = [2, 3, 4].map((q, i) => {
      const o = structuredClone(obj);
      o.items.data[0]!.quantity = q;
      o.cancel_at_period_end = false;
      o.cancel_at = null;
      return { ...base, id: `evt_seq_${q}`, created: base.created + i * 10, data: { object: o } } as never;
    });
    for (const e of [...versions].reverse()) await deliver(e);
    const s = await sub();
    expect(s.seats).toBe(4);
    expect(s.stripeLastEventCreated).toBe(base.created + 20);
  });

  it("an old deletion arriving after a newer state never rolls it back", async () => {
    const deleted = fixtureEvent("customer.subscription.deleted");
    const created = { ...fixtureEvent("customer.subscription.created"), created: deleted.created + 100 } as never;
    await deliver(created);
    await deliver(deleted);
    expect((await sub()).planId).toBe("pro");
  });
});

describe("failure and retry", () => {
  it("a handler that throws leaves no effects, records the error, and succeeds when retried", async () => {
    await database.db.update(plans).set({ stripePriceMonthlyId: null }).where(eq(plans.id, "pro"));
    const e = fixtureEvent("customer.subscription.created");
    await expect(deliver(e)).rejects.toThrow(/not mapped to any plan/);
    const [row] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, e.id));
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.lastError).toContain("not mapped");
    expect((await sub()).planId).toBe("free");
    await expect(deliver(e)).rejects.toThrow();
    expect((await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, e.id)))[0]!.attempts).toBe(2);

    await database.db.update(plans).set({ stripePriceMonthlyId: FIXTURE_IDS.price }).where(eq(plans.id, "pro"));
    expect(await replayEvent(database.db, offlineStripe, e.id)).toBe("processed");
    expect((await sub()).planId).toBe("pro");
    const [after] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, e.id));
    expect(after).toMatchObject({ status: "processed", attempts: 3, lastError: null });
    await expect(replayEvent(database.db, offlineStripe, e.id)).rejects.toThrow(/already processed/);
  });
});
