import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, invoiceLines, invoices, stripeEvents, subscriptions } from "@/db/schema";
import { attachPaymentMethod, changePlan } from "@/lib/billing";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import {
  adminChangePlan,
  adminPreviewPlanChange,
  adminCreateManualInvoice,
  adminResync,
  adminSetEnterpriseTerms,
  describeResync,
  adminReplayEvent,
  adminReplayFailed,
} from "@/lib/admin";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { auditAfter, auditCount, expectOneAuditRow, lastAuditId } from "./admin-helpers";

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

const args = () => [env.database.db, env.stripe] as const;

async function subscribedOrg() {
  const o = await makeOrg(env.database, { members: 2 });
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  await changePlan(...args(), { organizationId: o.org.id, planId: "pro", cycle: "monthly", actor: o.actor });
  await env.settle();
  return o;
}

describe("change plan", () => {
  it("refuses without a card, with the service's sentence, and records nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const before = await lastAuditId(env.database.db);
    await expect(
      adminChangePlan(
        ...args(),
        org.id,
        { planId: "pro", cycle: "monthly", reason: "Upgrade requested by phone" },
        actor,
      ),
    ).rejects.toThrow(/Add a card/);
    expect(await auditAfter(env.database.db, before)).toHaveLength(0);
  });

  it("requires a reason and a known plan", async () => {
    const { org, actor } = await makeOrg(env.database);
    await expect(
      adminChangePlan(...args(), org.id, { planId: "pro", cycle: "monthly", reason: "" }, actor),
    ).rejects.toThrow(/reason/);
    await expect(
      adminChangePlan(...args(), org.id, { planId: "enterprise", cycle: "monthly", reason: "Because" }, actor),
    ).rejects.toThrow(/Free or Pro/);
  });

  it("changes plan through Stripe: one audit row with before, after and the reason", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    const { row, result } = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.created",
      actor,
      () => adminChangePlan(...args(), org.id, { planId: "pro", cycle: "annual", reason: "Annual deal agreed" }, actor),
    );
    expect(result.unchanged).toBe(false);
    expect(row).toMatchObject({
      actorUserId: actor.id,
      targetId: result.subscriptionId,
      details: {
        before: { plan: "free", cycle: "monthly" },
        after: { plan: "pro", cycle: "annual", seats: 2 },
        reason: "Annual deal agreed",
      },
    });
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "pro", billingCycle: "annual" });
    await env.settle();

    // Pro monthly: the change of a live subscription.
    const changed = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.plan_changed",
      actor,
      () => adminChangePlan(...args(), org.id, { planId: "pro", cycle: "monthly", reason: "Back to monthly" }, actor),
    );
    expect(changed.row.details).toMatchObject({
      before: { plan: "pro", cycle: "annual" },
      after: { plan: "pro", cycle: "monthly" },
      reason: "Back to monthly",
    });
    await env.settle();

    // Already there: nothing changes and nothing is recorded.
    const before = await auditCount(env.database.db, { organizationId: org.id });
    expect(
      (await adminChangePlan(...args(), org.id, { planId: "pro", cycle: "monthly", reason: "Twice" }, actor)).unchanged,
    ).toBe(true);
    expect(await auditCount(env.database.db, { organizationId: org.id })).toBe(before);

    // To Free: a cancellation at the end of the period.
    const toFree = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.cancel_scheduled",
      actor,
      () =>
        adminChangePlan(
          ...args(),
          org.id,
          { planId: "free", cycle: "monthly", reason: "Customer is winding down" },
          actor,
        ),
    );
    expect(toFree.row.details).toMatchObject({
      before: { plan: "pro", cancelAtPeriodEnd: false },
      after: { cancelAtPeriodEnd: true },
      reason: "Customer is winding down",
    });
    await env.settle();
  });

  it("previews Stripe's proration and charges what was shown; a change in between refuses the stale preview", async () => {
    const { org, actor } = await subscribedOrg();
    // Unknown organization or plan: refused before Stripe is asked.
    await expect(
      adminPreviewPlanChange(...args(), "00000000-0000-4000-8000-000000000000", { planId: "pro", cycle: "annual" }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      adminPreviewPlanChange(...args(), org.id, { planId: "enterprise", cycle: "annual" }),
    ).rejects.toThrow();

    const annual = await adminPreviewPlanChange(...args(), org.id, { planId: "pro", cycle: "annual" });
    expect(annual).toMatchObject({ planName: "Pro", cycle: "annual", seats: 2, currency: "usd", effectiveAt: null });
    expect(annual.recurringCents).toBeGreaterThan(0);
    expect(annual.dueNowCents).toBeGreaterThan(0); // annual for two seats, less the unused month
    const toFree = await adminPreviewPlanChange(...args(), org.id, { planId: "free", cycle: "monthly" });
    expect(toFree.effectiveAt).not.toBeNull();
    expect(toFree.dueNowCents).toBe(0);

    // The subscription changes after the preview (another admin, the customer): the stale preview is refused, nothing written.
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor });
    await env.settle();
    const before = await auditCount(env.database.db, { organizationId: org.id });
    await expect(
      adminChangePlan(
        ...args(),
        org.id,
        { planId: "pro", cycle: "monthly", reason: "Customer asked", previewState: annual.stateToken },
        actor,
      ),
    ).rejects.toBeInstanceOf(AppError);
    expect(await auditCount(env.database.db, { organizationId: org.id })).toBe(before);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ billingCycle: "annual" });

    // With a fresh preview it goes through.
    const monthly = await adminPreviewPlanChange(...args(), org.id, { planId: "pro", cycle: "monthly" });
    const done = await adminChangePlan(
      ...args(),
      org.id,
      { planId: "pro", cycle: "monthly", reason: "Customer asked", previewState: monthly.stateToken },
      actor,
    );
    expect(done.unchanged).toBe(false);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ billingCycle: "monthly" });
    await env.settle();
  });
});

describe("enterprise terms", () => {
  it("moves the organization to Enterprise through the billing service: one audit row with the reason", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const { row } = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.enterprise_terms_set",
      actor,
      () =>
        adminSetEnterpriseTerms(
          ...args(),
          org.id,
          { cycle: "annual", pricePerSeatCents: 42_000, limits: { maxAgents: 500 }, reason: "Signed contract" },
          actor,
        ),
    );
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      planId: "enterprise",
      customPricePerSeatCents: 42_000,
      maxAgents: 500,
    });
    expect(row.details).toMatchObject({
      before: { plan: "free" },
      after: { plan: "enterprise", pricePerSeatCents: 42_000 },
      reason: "Signed contract",
    });
    await env.settle();
  });
});

describe("resync", () => {
  it("answers the report and records one audit row with before, after and the reason", async () => {
    const { org, actor } = await subscribedOrg();
    await env.database.db.delete(invoices).where(eq(invoices.organizationId, org.id));
    const { row, result: report } = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "billing.resynced",
      actor,
      () => adminResync(...args(), org.id, { reason: "Customer says invoices are missing" }, actor),
    );
    expect(report).toMatchObject({ invoices: 1, card: "visa 4242" });
    expect(report.subscription).toMatch(/^sub_.*\(active\)$/);
    expect(describeResync(report)).toContain("Invoices: 1");
    expect(row.details).toMatchObject({
      invoices: 1,
      before: { plan: "pro", status: "active", card: "visa 4242" },
      after: { plan: "pro", status: "active", card: "visa 4242" },
      reason: "Customer says invoices are missing",
    });
  });

  it("repairs a drifted subscription in the same single row", async () => {
    const { org, actor } = await subscribedOrg();
    // Our row says Free; Stripe says Pro: the resync puts it back, recording both.
    await env.database.db
      .update(subscriptions)
      .set({ planId: "free", status: "canceled" })
      .where(eq(subscriptions.organizationId, org.id));
    const { row } = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "billing.resynced",
      actor,
      () => adminResync(...args(), org.id, { reason: "Plan shows Free but they pay for Pro" }, actor),
    );
    expect(row.details).toMatchObject({
      before: { plan: "free", status: "canceled" },
      after: { plan: "pro", status: "active" },
    });
    expect(await auditCount(env.database.db, { organizationId: org.id }, "subscription.updated")).toBe(0);
  });

  it("reports an organization without a Stripe customer", async () => {
    const { org, actor } = await makeOrg(env.database);
    expect(await adminResync(...args(), org.id, { reason: "Check" }, actor)).toMatchObject({ invoices: 0, card: null });
  });
});

describe("manual invoice", () => {
  it("writes the invoice, its lines and one audit row with the reason", async () => {
    const { org, actor } = await makeOrg(env.database);
    const input = {
      currency: "usd",
      dueInDays: 14,
      memo: "Onboarding",
      lines: [
        { description: "Onboarding workshop", quantity: 2, unitAmountCents: 150_000 },
        { description: "Support pack", quantity: 1, unitAmountCents: 9_999 },
      ],
      reason: "Agreed in the kickoff call",
    };
    const { row: audit, result: inv } = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "invoice.manual_created",
      actor,
      () => adminCreateManualInvoice(env.database.db, org.id, input, actor),
    );
    expect(inv.number).toBe(`${org.slug.toUpperCase()}-M-0001`);
    expect(inv.totalCents).toBe(309_999);
    const [row] = await env.database.db.select().from(invoices).where(eq(invoices.id, inv.id));
    expect(row).toMatchObject({
      source: "manual",
      status: "open",
      totalCents: 309_999,
      memo: "Onboarding",
      organizationId: org.id,
    });
    const lines = await env.database.db
      .select()
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, inv.id))
      .orderBy(invoiceLines.position);
    expect(lines.map((l) => [l.description, l.quantity, l.amountCents])).toEqual([
      ["Onboarding workshop", 2, 300_000],
      ["Support pack", 1, 9_999],
    ]);
    expect(audit).toMatchObject({
      targetId: inv.id,
      details: {
        number: inv.number,
        before: null,
        after: { status: "open", totalCents: 309_999, currency: "usd", lines: 2 },
        reason: "Agreed in the kickoff call",
      },
    });
  });

  it("refuses more than five lines, no lines, or no reason, writing nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const line = { description: "x", quantity: 1, unitAmountCents: 100 };
    const before = await lastAuditId(env.database.db);
    await expect(
      adminCreateManualInvoice(env.database.db, org.id, { lines: Array(6).fill(line), reason: "Too many" }, actor),
    ).rejects.toThrow(/At most 5 lines/);
    await expect(
      adminCreateManualInvoice(env.database.db, org.id, { lines: [], reason: "None" }, actor),
    ).rejects.toThrow(/at least one line/);
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
    const { row: audit, result } = await expectOneAuditRow(
      env.database.db,
      { targetId: "evt_admin_replay_one" },
      "webhook.replayed",
      staff,
      () => adminReplayEvent(...args(), "evt_admin_replay_one", { reason: "Outage over" }, staff),
    );
    expect(result).toEqual({ id: "evt_admin_replay_one", outcome: "processed" });
    const [row] = await env.database.db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_admin_replay_one"));
    expect(row).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(audit.details).toMatchObject({
      eventIds: ["evt_admin_replay_one"],
      outcome: "processed",
      before: { status: "failed", attempts: 1 },
      after: { status: "processed", attempts: 2 },
      reason: "Outage over",
    });
    // The replayed handler changed nothing of the organization's, so the admin wrote nothing else.
    expect(await auditCount(env.database.db, { organizationId: org.id }, "subscription.updated")).toBe(0);

    // Replaying it again is refused (nothing to do) and not audited.
    const again = adminReplayEvent(...args(), "evt_admin_replay_one", { reason: "Again" }, staff);
    await expect(again).rejects.toBeInstanceOf(AppError);
    await expect(adminReplayEvent(...args(), "evt_admin_replay_one", { reason: "Again" }, staff)).rejects.toThrow(
      /already processed/,
    );
    expect(
      await env.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "webhook.replayed"), eq(auditLog.targetId, "evt_admin_replay_one"))),
    ).toHaveLength(1);
  });

  it("replays all failed events in one audit row with every outcome", async () => {
    const { org, owner } = await subscribedOrg();
    const local = await localSubscription(env.database, org.id);
    const sub = await env.stripe.subscriptions.retrieve(local.stripeSubscriptionId!);
    await failedEvent("evt_admin_replay_all_1", sub);
    await failedEvent("evt_admin_replay_all_2", sub);
    const staff = { kind: "user" as const, id: owner.id, email: owner.email };
    const replayedBefore = await auditCount(env.database.db, { organizationId: org.id });
    const lastId = await lastAuditId(env.database.db);
    const results = await adminReplayFailed(...args(), { reason: "Bulk replay after fix" }, staff);
    expect(results.map((r) => r.id).sort()).toEqual(["evt_admin_replay_all_1", "evt_admin_replay_all_2"]);
    expect(results.every((r) => r.outcome === "processed")).toBe(true);
    // One row for the whole run, with each event's state before and after.
    const rows = (await auditAfter(env.database.db, lastId)).filter((r) => r.actorUserId === staff.id);
    expect(rows.map((r) => r.action)).toEqual(["webhook.replayed"]);
    expect(rows[0]!.targetId).toBeNull();
    expect(rows[0]!.details).toMatchObject({
      reason: "Bulk replay after fix",
      before: [
        { id: "evt_admin_replay_all_1", status: "failed", attempts: 1 },
        { id: "evt_admin_replay_all_2", status: "failed", attempts: 1 },
      ],
      after: [
        { id: "evt_admin_replay_all_1", status: "processed", attempts: 2 },
        { id: "evt_admin_replay_all_2", status: "processed", attempts: 2 },
      ],
    });
    expect((rows[0]!.details as { eventIds: string[] }).eventIds.sort()).toEqual([
      "evt_admin_replay_all_1",
      "evt_admin_replay_all_2",
    ]);
    expect(await auditCount(env.database.db, { organizationId: org.id })).toBe(replayedBefore);
    await expect(adminReplayFailed(...args(), { reason: "Nothing left" }, staff)).rejects.toThrow(/No failed events/);
  });
});
