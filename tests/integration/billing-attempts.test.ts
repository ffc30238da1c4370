import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { attachPaymentMethod, changePlan, ensureCustomer, syncSeats } from "@/lib/billing";
import { addMember, localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * Issue 12.1: an idempotency key names one attempt with its exact parameters. A declined
 * attempt never blocks the next one (another card, or the same card tried again as a new
 * attempt); a retry of the same attempt, or two clicks at once, make one Stripe object.
 * Everything through the real SDK against the emulator.
 */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;
const customerOf = async (orgId: string) =>
  (await env.database.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.stripeCustomerId!;
const remoteSubscriptions = async (orgId: string) =>
  (await env.stripe.subscriptions.list({ customer: await customerOf(orgId), status: "all" })).data;

async function useCard(orgId: string, actor: Parameters<typeof attachPaymentMethod>[2]["actor"], pm: string) {
  const r = await attachPaymentMethod(env.database.db, env.stripe, { organizationId: orgId, paymentMethod: pm, actor });
  expect(r.status).toBe("succeeded");
}

describe("subscribing after a decline", () => {
  it("declined → replace the card → the retry of the dialog (same attempt id) subscribes", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await useCard(org.id, actor, "pm_card_chargeCustomerFail");
    const attemptId = "dialog-attempt-0001";
    await expect(
      changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor, attemptId }),
    ).rejects.toThrow(/declined/);
    expect((await localSubscription(env.database, org.id)).planId).toBe("free");

    await useCard(org.id, actor, "pm_card_visa");
    const r = await changePlan(...args(), {
      organizationId: org.id,
      planId: "pro",
      cycle: "monthly",
      actor,
      attemptId,
    });
    expect(r.unchanged).toBe(false);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "pro", status: "active", seats: 2 });
    expect(await remoteSubscriptions(org.id)).toHaveLength(1);
  });

  it("after a decline, a new attempt with the same card is asked of Stripe again, not answered by the stored decline", async () => {
    const { org, actor } = await makeOrg(env.database);
    await useCard(org.id, actor, "pm_card_chargeCustomerFail");
    const input = { organizationId: org.id, planId: "pro", cycle: "monthly" as const, actor };
    await expect(changePlan(...args(), { ...input, attemptId: "attempt-a-000001" })).rejects.toThrow(/declined/);
    // Support credits the account with $100: the same card now has nothing to pay for Pro's first month.
    await env.stripe.customers.update(await customerOf(org.id), { balance: -10_000 });
    // The same attempt repeated is the same request: Stripe answers what it answered (as it does).
    await expect(changePlan(...args(), { ...input, attemptId: "attempt-a-000001" })).rejects.toThrow(/declined/);
    // The dialog's next attempt after the refusal is a new one: Stripe evaluates it, and it goes through.
    const r = await changePlan(...args(), { ...input, attemptId: "attempt-b-000002" });
    expect(r.unchanged).toBe(false);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "pro", status: "active" });
    // Server-side callers without an attempt id make a new attempt per call: never blocked either.
    const org2 = await makeOrg(env.database);
    await useCard(org2.org.id, org2.actor, "pm_card_chargeCustomerFail");
    const input2 = { organizationId: org2.org.id, planId: "pro", cycle: "monthly" as const, actor: org2.actor };
    await expect(changePlan(...args(), input2)).rejects.toThrow(/declined/);
    await env.stripe.customers.update(await customerOf(org2.org.id), { balance: -10_000 });
    await expect(changePlan(...args(), input2)).resolves.toMatchObject({ unchanged: false });
  });

  it("a double submit of one attempt makes one subscription; so do two tabs with their own attempts", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 3 });
    await useCard(org.id, actor, "pm_card_visa");
    const same = {
      organizationId: org.id,
      planId: "pro",
      cycle: "monthly" as const,
      actor,
      attemptId: "double-click-01",
    };
    const results = await Promise.allSettled([
      changePlan(...args(), same),
      changePlan(...args(), same),
      changePlan(...args(), { ...same, attemptId: "other-tab-00001" }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(await remoteSubscriptions(org.id)).toHaveLength(1);
    const invoices = await env.stripe.invoices.list({ customer: await customerOf(org.id) });
    expect(invoices.data).toHaveLength(1);
  });

  it("a retry of the same attempt whose answer we lost (our transaction rolled back) is Stripe's same subscription", async () => {
    const { org, actor } = await makeOrg(env.database);
    await useCard(org.id, actor, "pm_card_visa");
    await ensureCustomer(env.database.db, env.stripe, org.id);
    const input = {
      organizationId: org.id,
      planId: "pro",
      cycle: "monthly" as const,
      actor,
      attemptId: "lost-answer-01",
    };
    await expect(
      env.database.db.transaction(async (tx) => {
        await changePlan(tx, env.stripe, input);
        throw new Error("the process died before commit");
      }),
    ).rejects.toThrow(/died/);
    expect((await localSubscription(env.database, org.id)).planId).toBe("free");
    const created = await remoteSubscriptions(org.id);
    expect(created).toHaveLength(1);
    const r = await changePlan(...args(), input);
    expect(r.subscriptionId).toBe(created[0]!.id);
    expect(await remoteSubscriptions(org.id)).toHaveLength(1);
    expect((await localSubscription(env.database, org.id)).stripeSubscriptionId).toBe(created[0]!.id);
  });
});

describe("plan changes after a decline", () => {
  it("monthly → annual declined, card replaced, retried with the same attempt: switched", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await useCard(org.id, actor, "pm_card_visa");
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await useCard(org.id, actor, "pm_card_chargeCustomerFail");
    const attemptId = "switch-annual-01";
    await expect(
      changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor, attemptId }),
    ).rejects.toThrow(/declined/);
    expect((await localSubscription(env.database, org.id)).billingCycle).toBe("monthly");
    await useCard(org.id, actor, "pm_card_visa");
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor, attemptId });
    expect(await localSubscription(env.database, org.id)).toMatchObject({ billingCycle: "annual", status: "active" });
    const [remote] = await remoteSubscriptions(org.id);
    expect(remote!.items.data[0]!.price.recurring?.interval).toBe("year");
  });

  it("a double submit of a cycle switch charges once", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await useCard(org.id, actor, "pm_card_visa");
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    const same = {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual" as const,
      actor,
      attemptId: "switch-double-1",
    };
    const [a, b] = await Promise.all([changePlan(...args(), same), changePlan(...args(), same)]);
    expect([a.unchanged, b.unchanged].sort()).toEqual([false, true]);
    const invoices = await env.stripe.invoices.list({ customer: await customerOf(org.id) });
    expect(invoices.data.filter((i) => i.billing_reason === "subscription_update")).toHaveLength(1);
  });
});

describe("seats after a decline", () => {
  it("a seat declined on the card, card replaced, the same seat change goes through", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await useCard(org.id, actor, "pm_card_visa");
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await useCard(org.id, actor, "pm_card_chargeCustomerFail");
    await addMember(env.database, org.id);
    await expect(syncSeats(...args(), { organizationId: org.id, actor })).rejects.toThrow(/declined/);
    expect((await localSubscription(env.database, org.id)).seats).toBe(2);
    await useCard(org.id, actor, "pm_card_visa");
    await expect(syncSeats(...args(), { organizationId: org.id, actor })).resolves.toEqual({ seats: 3, changed: true });
    const [remote] = await remoteSubscriptions(org.id);
    expect(remote!.items.data[0]!.quantity).toBe(3);
    expect((await localSubscription(env.database, org.id)).seats).toBe(3);
  });

  it("two seat syncs at once change the quantity once", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await useCard(org.id, actor, "pm_card_visa");
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await addMember(env.database, org.id);
    const [a, b] = await Promise.all([
      syncSeats(...args(), { organizationId: org.id, actor }),
      syncSeats(...args(), { organizationId: org.id, actor }),
    ]);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    const invoices = await env.stripe.invoices.list({ customer: await customerOf(org.id) });
    expect(invoices.data.filter((i) => i.billing_reason === "subscription_update")).toHaveLength(1);
  });
});
