import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { attachPaymentMethod, completeTestAuthentication } from "@/lib/billing";
import { makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/** The 3-D Secure test card: requires_action → the customer's answer → the card saved, or a refusal that says why. */

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const cardOf = async (orgId: string) =>
  (await env.database.db.select().from(organizations).where(eq(organizations.id, orgId)))[0]!.paymentMethod;

describe("3-D Secure in test mode", () => {
  it("fails the check with Stripe's sentence, then completes it and saves the card; a second answer changes nothing", async () => {
    const { org, actor } = await makeOrg(env.database);
    const db = env.database.db;
    const first = await attachPaymentMethod(db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_authenticationRequired",
      actor,
    });
    expect(first.status).toBe("requires_action");
    const setupIntentId = first.status === "requires_action" ? first.setupIntentId : "";
    await expect(
      completeTestAuthentication(db, env.stripe, { organizationId: org.id, actor, setupIntentId, outcome: "fail" }),
    ).rejects.toMatchObject({ code: "payment_failed", message: expect.stringContaining("unable to authenticate") });
    expect(await cardOf(org.id)).toBeNull();

    const again = await attachPaymentMethod(db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_authenticationRequired",
      actor,
    });
    const id = again.status === "requires_action" ? again.setupIntentId : "";
    const done = await completeTestAuthentication(db, env.stripe, {
      organizationId: org.id,
      actor,
      setupIntentId: id,
      outcome: "succeed",
    });
    expect(done).toMatchObject({ status: "succeeded", card: { last4: "3184" } });
    expect(await cardOf(org.id)).toMatchObject({ last4: "3184" });
    // A double click (or the other tab) answers again: the card is already saved.
    expect(
      await completeTestAuthentication(db, env.stripe, {
        organizationId: org.id,
        actor,
        setupIntentId: id,
        outcome: "fail",
      }),
    ).toMatchObject({ status: "succeeded" });
  });

  it("refuses another organization's card setup", async () => {
    const a = await makeOrg(env.database);
    const b = await makeOrg(env.database);
    const db = env.database.db;
    const r = await attachPaymentMethod(db, env.stripe, {
      organizationId: a.org.id,
      paymentMethod: "pm_card_authenticationRequired",
      actor: a.actor,
    });
    const setupIntentId = r.status === "requires_action" ? r.setupIntentId : "";
    await attachPaymentMethod(db, env.stripe, {
      organizationId: b.org.id,
      paymentMethod: "pm_card_visa",
      actor: b.actor,
    });
    await expect(
      completeTestAuthentication(db, env.stripe, {
        organizationId: b.org.id,
        actor: b.actor,
        setupIntentId,
        outcome: "succeed",
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await env.stripe.setupIntents.retrieve(setupIntentId)).status).toBe("requires_action");
  });
});
