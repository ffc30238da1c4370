import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import type { Actor } from "@/lib/audit";
import {
  attachPaymentMethod,
  cancelAtPeriodEnd,
  changePlan,
  previewPlanChange,
  resumeSubscription,
  syncSeats,
} from "@/lib/billing";
import { addMember, localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * A confirmation applies only to the state it was previewed against: another tab, another admin
 * or a Stripe webhook that changed the subscription between the preview and the confirm makes
 * the confirm refuse, saying what changed, with nothing charged and nothing changed. Everything
 * through the real SDK against the emulator, webhooks through the real route.
 */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;
const customerOf = async (orgId: string) =>
  (await env.database.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.stripeCustomerId!;
const remote = async (orgId: string) =>
  (await env.stripe.subscriptions.list({ customer: await customerOf(orgId), status: "all" })).data;
const invoiceCount = async (orgId: string) =>
  (await env.stripe.invoices.list({ customer: await customerOf(orgId), limit: 100 })).data.length;

async function proMonthly(members = 2) {
  const o = await makeOrg(env.database, { members });
  await attachPaymentMethod(env.database.db, env.stripe, {
    organizationId: o.org.id,
    paymentMethod: "pm_card_visa",
    actor: o.actor,
  });
  await changePlan(...args(), { organizationId: o.org.id, planId: "pro", cycle: "monthly", actor: o.actor });
  await env.settle();
  return o;
}

const previewAnnual = (organizationId: string) =>
  previewPlanChange(env.database.db, env.stripe, { organizationId, planId: "pro", cycle: "annual" });

describe("the two-tab sequence QA found", () => {
  it("preview annual → cancellation scheduled in another tab → confirm is refused: nothing charged, cancellation stays", async () => {
    const { org, actor } = await proMonthly(2);
    const tabA = await previewAnnual(org.id);
    expect(tabA.dueNowCents).toBeGreaterThan(0);
    expect(tabA.stateToken).toMatch(/^[A-Za-z0-9_-]+$/);

    await cancelAtPeriodEnd(...args(), { organizationId: org.id, actor });
    await env.settle();
    const invoicesBefore = await invoiceCount(org.id);

    await expect(
      changePlan(...args(), {
        organizationId: org.id,
        planId: "pro",
        cycle: "annual",
        actor,
        attemptId: "tab-a-annual-01",
        previewState: tabA.stateToken,
      }),
    ).rejects.toMatchObject({
      code: "conflict",
      message:
        "Your subscription changed since this was shown: a cancellation was scheduled. Review the new price and confirm again.",
    });

    await env.settle();
    expect(await invoiceCount(org.id)).toBe(invoicesBefore);
    const [sub] = await remote(org.id);
    expect(sub!.cancel_at_period_end).toBe(true);
    expect(sub!.items.data[0]!.price.recurring?.interval).toBe("month");
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      billingCycle: "monthly",
      cancelAtPeriodEnd: true,
    });

    // The dialog then shows the fresh preview; confirming that one is the customer's informed choice.
    const fresh = await previewAnnual(org.id);
    expect(fresh.stateToken).not.toBe(tabA.stateToken);
    expect(tabA.undoesCancellation).toBe(false);
    expect(fresh.undoesCancellation).toBe(true);
    await changePlan(...args(), {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual",
      actor,
      attemptId: "tab-a-annual-02",
      previewState: fresh.stateToken,
    });
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      billingCycle: "annual",
      cancelAtPeriodEnd: false,
    });
  });

  it("a cancellation previewed before another tab switched to annual is refused too", async () => {
    const { org, actor } = await proMonthly(2);
    const cancelPreview = await previewPlanChange(...args(), {
      organizationId: org.id,
      planId: "free",
      cycle: "monthly",
    });
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "annual", actor });
    await expect(
      changePlan(...args(), {
        organizationId: org.id,
        planId: "free",
        cycle: "monthly",
        actor,
        previewState: cancelPreview.stateToken,
      }),
    ).rejects.toThrow(/billing changed from monthly to annual/);
    const [sub] = await remote(org.id);
    expect(sub!.cancel_at_period_end).toBe(false);
  });
});

describe("confirms of the state that was shown still work", () => {
  it("same state: the confirm goes through and charges what was shown", async () => {
    const { org, actor } = await proMonthly(2);
    const shown = await previewAnnual(org.id);
    const before = await invoiceCount(org.id);
    const r = await changePlan(...args(), {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual",
      actor,
      attemptId: "same-state-01",
      previewState: shown.stateToken,
    });
    expect(r.unchanged).toBe(false);
    await env.settle();
    const invoices = (await env.stripe.invoices.list({ customer: await customerOf(org.id), limit: 100 })).data;
    expect(invoices.length).toBe(before + 1);
    expect(invoices[0]!.amount_due).toBe(shown.dueNowCents);
  });

  it("subscribing from Free with the state shown works; with a member added since, it is refused", async () => {
    const a = await makeOrg(env.database, { members: 2 });
    await attachPaymentMethod(...args(), { organizationId: a.org.id, paymentMethod: "pm_card_visa", actor: a.actor });
    const shownA = await previewPlanChange(...args(), { organizationId: a.org.id, planId: "pro", cycle: "monthly" });
    await changePlan(...args(), {
      organizationId: a.org.id,
      planId: "pro",
      cycle: "monthly",
      actor: a.actor,
      previewState: shownA.stateToken,
    });
    expect(await localSubscription(env.database, a.org.id)).toMatchObject({ planId: "pro", seats: 2 });

    const b = await makeOrg(env.database, { members: 2 });
    await attachPaymentMethod(...args(), { organizationId: b.org.id, paymentMethod: "pm_card_visa", actor: b.actor });
    const shownB = await previewPlanChange(...args(), { organizationId: b.org.id, planId: "pro", cycle: "monthly" });
    await addMember(env.database, b.org.id);
    await expect(
      changePlan(...args(), {
        organizationId: b.org.id,
        planId: "pro",
        cycle: "monthly",
        actor: b.actor,
        previewState: shownB.stateToken,
      }),
    ).rejects.toThrow(/members changed from 2 to 3/);
    expect(await localSubscription(env.database, b.org.id)).toMatchObject({ planId: "free" });
    expect(await remote(b.org.id)).toHaveLength(0);
  });

  it("a retry of the same attempt after its answer was lost still works, whether or not our write survived", async () => {
    // Our transaction rolled back after Stripe made the change: the row still shows what was previewed.
    const { org, actor } = await proMonthly(2);
    const shown = await previewAnnual(org.id);
    const input = {
      organizationId: org.id,
      planId: "pro",
      cycle: "annual" as const,
      actor,
      attemptId: "lost-answer-annual-01",
      previewState: shown.stateToken,
    };
    await expect(
      env.database.db.transaction(async (tx) => {
        await changePlan(tx, env.stripe, input);
        throw new Error("the connection dropped before the answer reached the browser");
      }),
    ).rejects.toThrow(/dropped/);
    const r1 = await changePlan(...args(), input);
    expect(r1.unchanged).toBe(false);
    // Our write survived (or the webhook applied it) and the answer was lost again: the retry is answered, not refused.
    await env.settle();
    const r2 = await changePlan(...args(), input);
    expect(r2.unchanged).toBe(true);
    const invoices = (await env.stripe.invoices.list({ customer: await customerOf(org.id), limit: 100 })).data;
    expect(invoices.filter((i) => i.billing_reason === "subscription_update")).toHaveLength(1);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ billingCycle: "annual" });
  });
});

type Org = { org: { id: string }; actor: Actor };
/** What can happen elsewhere between the preview and the confirm (another tab, another admin, Stripe). */
const changesElsewhere: { name: string; expect: RegExp; run(o: Org): Promise<unknown> }[] = [
  {
    name: "a cancellation scheduled in another tab",
    expect: /a cancellation was scheduled/,
    run: (o) => cancelAtPeriodEnd(...args(), { organizationId: o.org.id, actor: o.actor }),
  },
  {
    name: "a cancellation scheduled in Stripe's dashboard (webhook)",
    expect: /a cancellation was scheduled/,
    run: async (o) => {
      const [sub] = await remote(o.org.id);
      await env.stripe.subscriptions.update(sub!.id, { cancel_at_period_end: true });
    },
  },
  {
    name: "the cycle switched by another admin",
    expect: /billing changed from monthly to annual/,
    run: (o) => changePlan(...args(), { organizationId: o.org.id, planId: "pro", cycle: "annual", actor: o.actor }),
  },
  {
    name: "a member added (seats follow)",
    expect: /seats changed from 2 to 3; members changed from 2 to 3/,
    run: async (o) => {
      await addMember(env.database, o.org.id);
      await syncSeats(...args(), { organizationId: o.org.id, actor: o.actor });
    },
  },
  {
    name: "a scheduled cancellation undone",
    expect: /the scheduled cancellation was undone/,
    run: (o) => resumeSubscription(...args(), { organizationId: o.org.id, actor: o.actor }),
  },
];

describe("whatever changed in between, the confirm is refused and nothing is charged", () => {
  for (const change of changesElsewhere) {
    for (const target of ["annual", "free"] as const) {
      // Another admin's switch to annual and this one are the same change: answered "unchanged" (above).
      if (change.name.includes("switched") && target === "annual") continue;
      it(`${change.name}, then the ${target === "free" ? "cancellation" : "switch to annual"} is confirmed`, async () => {
        const o = await proMonthly(2);
        const undo = change.name.includes("undone");
        // To show "undone", the preview is taken while a cancellation is scheduled.
        if (undo) await cancelAtPeriodEnd(...args(), { organizationId: o.org.id, actor: o.actor });
        const shown = await previewPlanChange(...args(), {
          organizationId: o.org.id,
          planId: target === "free" ? "free" : "pro",
          cycle: target === "free" ? "monthly" : "annual",
        });
        await change.run(o);
        await env.settle();
        const before = { invoices: await invoiceCount(o.org.id), row: await localSubscription(env.database, o.org.id) };
        const confirm = changePlan(...args(), {
          organizationId: o.org.id,
          planId: target === "free" ? "free" : "pro",
          cycle: target === "free" ? "monthly" : "annual",
          actor: o.actor,
          previewState: shown.stateToken,
        });
        if (undo && target === "free") {
          // Undone, then the cancellation confirmed from the older preview: refused too.
          await expect(confirm).rejects.toThrow(change.expect);
        } else if (target === "free" && before.row.cancelAtPeriodEnd) {
          // Already scheduled elsewhere: the confirm asks for what is already so, and changes nothing.
          await expect(confirm).resolves.toMatchObject({ unchanged: true });
        } else {
          await expect(confirm).rejects.toThrow(change.expect);
        }
        await env.settle();
        expect(await invoiceCount(o.org.id)).toBe(before.invoices);
        const after = await localSubscription(env.database, o.org.id);
        expect({ ...after, updatedAt: null }).toEqual({ ...before.row, updatedAt: null });
      });
    }
  }
});
