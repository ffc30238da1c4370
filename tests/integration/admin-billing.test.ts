import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, invoiceLines, invoices, stripeEvents } from "@/db/schema";
import { attachPaymentMethod, changePlan } from "@/lib/billing";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { adminChangePlan, adminCreateManualInvoice, adminResync, adminSetEnterpriseTerms, describeResync } from "@/app/admin/orgs/[id]/billing-ops";
import { adminReplayEvent, adminReplayFailed } from "@/app/admin/webhooks/replay-ops";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { auditAfter, lastAuditId } from "./admin-helpers";

/**
 * The billing actions of the admin console, through the same helpers its server actions and
 * JSON routes call (billing-ops, replay-ops): services against the Stripe emulator, reasons and
 * audit rows recorded.
 */

// The JSON routes share these helpers; who may call them (401 signed out, 403 for non-admins)
// is checked with real sessions in tests/e2e/admin.spec.ts.
let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const ctx = () => ({ db: env.database.db, stripe: env.stripe });

async function subscribedOrg() {
  const o = await makeOrg(env.database, { members: 2 });
  await attachPaymentMethod(env.database.db, env.stripe, { organizationId: o.org.id, paymentMethod: "pm_card_visa", actor: o.actor });
  await changePlan(ctx(), { organizationId: o.org.id, planId: "pro", cycle: "monthly", actor: o.actor });
  await env.settle();
  return o;
}

describe("change plan", () => {
  it("refuses without a card, with the service's sentence, and records nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const before = await lastAuditId(env.database.db);
    await expect(adminChangePlan(ctx(), org.id, { planId: "pro", cycle: "monthly", reason: "Upgrade requested by phone" }, actor)).rejects.toThrow(/Add a card/);
    expect(await auditAfter(env.database.db, before)).toHaveLength(0);
  });

  it("requires a reason and a known plan", async () => {
    const { org, actor } = await makeOrg(env.database);
    await expect(adminChangePlan(ctx(), org.id, { planId: "pro", cycle: "monthly", reason: "" }, actor)).rejects.toThrow(/reason/);
    await expect(adminChangePlan(ctx(), org.id, { planId: "enterprise", cycle: "monthly", reason: "Because" }, actor)).rejects.toThrow(/Free or Pro/);
  });

  it("changes plan through Stripe and records the reason in its own audit row", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await attachPaymentMethod(env.database.db, env.stripe, { organizationId: org.id, paymentMethod: "pm_card_visa", actor });
    const before = await lastAuditId(env.database.db);
    const result = await adminChangePlan(ctx(), org.id, { planId: "pro", cycle: "annual", reason: "Annual deal agreed" }, actor);
    expect(result.unchanged).toBe(false);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "pro", billingCycle: "annual" });
    const rows = await auditAfter(env.database.db, before);
    expect(rows.map((r) => r.action)).toContain("subscription.created");
    const reasonRow = rows.find((r) => r.action === "admin.plan_change_requested");
    expect(reasonRow?.details).toMatchObject({ planId: "pro", cycle: "annual", reason: "Annual deal agreed", subscriptionId: result.subscriptionId });
  });
});

describe("enterprise terms", () => {
  it("moves the organization to Enterprise through the billing service, which audits the reason", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const before = await lastAuditId(env.database.db);
    await adminSetEnterpriseTerms(ctx(), org.id, { cycle: "annual", pricePerSeatCents: 42_000, limits: { maxAgents: 500 }, reason: "Signed contract" }, actor);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "enterprise", customPricePerSeatCents: 42_000, maxAgents: 500 });
    const rows = await auditAfter(env.database.db, before);
    const terms = rows.find((r) => r.action === "subscription.enterprise_terms_set");
    expect(terms?.details).toMatchObject({ reason: "Signed contract" });
    expect(rows.some((r) => r.action.startsWith("admin."))).toBe(false);
  });
});

describe("resync", () => {
  it("answers the report and records the reason", async () => {
    const { org, actor } = await subscribedOrg();
    await env.database.db.delete(invoices).where(eq(invoices.organizationId, org.id));
    const before = await lastAuditId(env.database.db);
    const report = await adminResync(ctx(), org.id, { reason: "Customer says invoices are missing" }, actor);
    expect(report).toMatchObject({ invoices: 1, card: "visa 4242" });
    expect(report.subscription).toMatch(/^sub_.*\(active\)$/);
    expect(describeResync(report)).toContain("Invoices: 1");
    const rows = await auditAfter(env.database.db, before);
    expect(rows.find((r) => r.action === "billing.resynced")?.details).toMatchObject({ invoices: 1 });
    expect(rows.find((r) => r.action === "admin.resync_requested")?.details).toMatchObject({ reason: "Customer says invoices are missing" });
  });

  it("reports an organization without a Stripe customer", async () => {
    const { org, actor } = await makeOrg(env.database);
    expect(await adminResync(ctx(), org.id, { reason: "Check" }, actor)).toMatchObject({ invoices: 0, card: null });
  });
});

describe("manual invoice", () => {
  it("writes the invoice, its lines and the audit rows", async () => {
    const { org, actor } = await makeOrg(env.database);
    const before = await lastAuditId(env.database.db);
    const inv = await adminCreateManualInvoice(
      env.database.db,
      org.id,
      {
        currency: "usd",
        dueInDays: "14",
        memo: "Onboarding",
        lines: [
          { description: "Onboarding workshop", quantity: "2", unitAmountCents: 150_000 },
          { description: "Support pack", quantity: 1, unitAmountCents: 9_999 },
        ],
        reason: "Agreed in the kickoff call",
      },
      actor,
    );
    expect(inv.number).toBe(`${org.slug.toUpperCase()}-M-0001`);
    expect(inv.totalCents).toBe(309_999);
    const [row] = await env.database.db.select().from(invoices).where(eq(invoices.id, inv.id));
    expect(row).toMatchObject({ source: "manual", status: "open", totalCents: 309_999, memo: "Onboarding", organizationId: org.id });
    const lines = await env.database.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id)).orderBy(invoiceLines.position);
    expect(lines.map((l) => [l.description, l.quantity, l.amountCents])).toEqual([
      ["Onboarding workshop", 2, 300_000],
      ["Support pack", 1, 9_999],
    ]);
    const rows = await auditAfter(env.database.db, before);
    expect(rows.map((r) => r.action)).toEqual(["invoice.manual_created", "admin.manual_invoice_requested"]);
    expect(rows[1]!.details).toMatchObject({ number: inv.number, reason: "Agreed in the kickoff call" });
  });

  it("refuses more than five lines, no lines, or no reason, writing nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const line = { description: "x", quantity: 1, unitAmountCents: 100 };
    const before = await lastAuditId(env.database.db);
    await expect(adminCreateManualInvoice(env.database.db, org.id, { lines: Array(6).fill(line), reason: "Too many" }, actor)).rejects.toThrow(/At most 5 lines/);
    await expect(adminCreateManualInvoice(env.database.db, org.id, { lines: [], reason: "None" }, actor)).rejects.toThrow(/at least one line/);
    await expect(adminCreateManualInvoice(env.database.db, org.id, { lines: [line] }, actor)).rejects.toThrow(/reason/);
    expect(await auditAfter(env.database.db, before)).toHaveLength(0);
    expect(await env.database.db.select().from(invoices).where(eq(invoices.organizationId, org.id))).toHaveLength(0);
  });
});

describe("webhook replay", () => {
  async function failedEvent(id: string, sub: Stripe.Subscription) {
    const event = {
      id,
      object: "event",
      type: "customer.subscription.updated",
      api_version: "2025-01-01",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      data: { object: sub },
    };
    await env.database.db.insert(stripeEvents).values({
      id,
      type: event.type,
      stripeCreated: event.created,
      objectId: sub.id,
      status: "failed",
      attempts: 1,
      lastError: "simulated outage",
      payload: event as unknown as Record<string, unknown>,
    });
  }

  it("replays a failed event: processed, with a webhook.replayed audit row", async () => {
    const { org, owner } = await subscribedOrg();
    const local = await localSubscription(env.database, org.id);
    const sub = await env.stripe.subscriptions.retrieve(local.stripeSubscriptionId!);
    await failedEvent("evt_admin_replay_one", sub);
    const staff = { kind: "user" as const, id: owner.id, email: owner.email };
    const before = await lastAuditId(env.database.db);
    const result = await adminReplayEvent(ctx(), "evt_admin_replay_one", { reason: "Outage over" }, staff);
    expect(result).toEqual({ id: "evt_admin_replay_one", outcome: "processed" });
    const [row] = await env.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_admin_replay_one"));
    expect(row).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    const audit = await env.database.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.replayed"), eq(auditLog.targetId, "evt_admin_replay_one")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ eventIds: ["evt_admin_replay_one"], outcome: "processed", reason: "Outage over" });
    expect((await auditAfter(env.database.db, before)).some((r) => r.action === "webhook.replayed")).toBe(true);

    // Replaying it again is refused (nothing to do) and not audited.
    const again = adminReplayEvent(ctx(), "evt_admin_replay_one", { reason: "Again" }, staff);
    await expect(again).rejects.toBeInstanceOf(AppError);
    await expect(adminReplayEvent(ctx(), "evt_admin_replay_one", { reason: "Again" }, staff)).rejects.toThrow(/already processed/);
    expect(await env.database.db.select().from(auditLog).where(and(eq(auditLog.action, "webhook.replayed"), eq(auditLog.targetId, "evt_admin_replay_one")))).toHaveLength(1);
  });

  it("replays all failed events in one audit row with every outcome", async () => {
    const { org, owner } = await subscribedOrg();
    const local = await localSubscription(env.database, org.id);
    const sub = await env.stripe.subscriptions.retrieve(local.stripeSubscriptionId!);
    await failedEvent("evt_admin_replay_all_1", sub);
    await failedEvent("evt_admin_replay_all_2", sub);
    const staff = { kind: "user" as const, id: owner.id, email: owner.email };
    const results = await adminReplayFailed(ctx(), { reason: "Bulk replay after fix" }, staff);
    expect(results.map((r) => r.id).sort()).toEqual(["evt_admin_replay_all_1", "evt_admin_replay_all_2"]);
    expect(results.every((r) => r.outcome === "processed")).toBe(true);
    const audit = await env.database.db.select().from(auditLog).where(eq(auditLog.action, "webhook.replayed"));
    const bulk = audit.find((a) => a.targetId === null);
    expect(bulk?.details).toMatchObject({ reason: "Bulk replay after fix" });
    expect((bulk!.details as { eventIds: string[] }).eventIds.sort()).toEqual(["evt_admin_replay_all_1", "evt_admin_replay_all_2"]);
    await expect(adminReplayFailed(ctx(), { reason: "Nothing left" }, staff)).rejects.toThrow(/No failed events/);
  });
});
