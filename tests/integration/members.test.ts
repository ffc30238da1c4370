import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { auditLog, memberships } from "@/db/schema";
import { attachPaymentMethod, changePlan } from "@/lib/billing";
import { acceptInvitation, listPendingInvitations } from "@/lib/orgs/invitations";
import { changeMemberRole, inviteMember, listMembers, removeMember } from "@/lib/orgs/members";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv();
});
afterAll(async () => env?.stop());

const args = () => [env.database.db, env.stripe] as const;
/** Invite and accept at once (a new person choosing a name and password). */
const join = async (input: Parameters<typeof inviteMember>[2]) => {
  const { token } = await inviteMember(...args(), input);
  await acceptInvitation(...args(), { token, name: "New Person", password: "a-long-password" });
  const m = (await listMembers(env.database.db, input.organizationId)).find(
    (x) => x.email === input.email.trim().toLowerCase(),
  )!;
  return { membershipId: m.membershipId, seats: (await localSubscription(env.database, input.organizationId)).seats };
};
const memberCount = async (orgId: string) =>
  Number(
    (await env.database.db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, orgId)))[0]!.n,
  );

describe("members and the user limit", () => {
  it("refuses a fourth member on Free with a message naming the limit and the upgrade", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 3 });
    const err = await inviteMember(...args(), {
      organizationId: org.id,
      email: "four@example.test",
      actor,
      callerRole: "owner",
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/limit of 3/);
    expect((err as Error).message).toMatch(/[Uu]pgrade/);
    expect(await memberCount(org.id)).toBe(3);
  });

  it("lets only one of several concurrent invites take the last free seat", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const results = await Promise.allSettled(
      ["a", "b", "c"].map((x) =>
        inviteMember(...args(), { organizationId: org.id, email: `${x}@race.test`, actor, callerRole: "owner" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await memberCount(org.id)).toBe(2);
    expect(await listPendingInvitations(env.database.db, org.id)).toHaveLength(1);
  });

  it("rejects bad input and a duplicate member", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await expect(
      inviteMember(...args(), { organizationId: org.id, email: "not-an-email", actor, callerRole: "owner" }),
    ).rejects.toThrow(/valid email/);
    const [first] = await listMembers(env.database.db, org.id);
    const email = first!.email;
    await expect(
      inviteMember(...args(), { organizationId: org.id, email: email.toUpperCase(), actor, callerRole: "owner" }),
    ).rejects.toThrow(/already a member/);
  });
});

describe("seats follow membership on Pro", () => {
  it("adds and removes a seat in Stripe with the member", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    const { membershipId, seats } = await join({
      organizationId: org.id,
      email: "new@pro.test",
      actor,
      callerRole: "owner",
    });
    expect(seats).toBe(3);
    const sub = await localSubscription(env.database, org.id);
    expect(sub.seats).toBe(3);
    expect((await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!)).items.data[0]!.quantity).toBe(3);
    await removeMember(...args(), { organizationId: org.id, membershipId, actor, callerRole: "owner" });
    expect((await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!)).items.data[0]!.quantity).toBe(2);
    expect((await localSubscription(env.database, org.id)).seats).toBe(2);
    const audits = await env.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org.id), eq(auditLog.action, "subscription.seats_changed")));
    expect(audits).toHaveLength(2);
  });

  it("leaves no member behind when Stripe refuses the seat change", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    // The card on the subscription starts declining: the prorated charge for a new seat fails.
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_chargeCustomerFail",
      actor,
    });
    const { token } = await inviteMember(...args(), {
      organizationId: org.id,
      email: "declined@pro.test",
      actor,
      callerRole: "owner",
    });
    await expect(acceptInvitation(...args(), { token, name: "Declined", password: "a-long-password" })).rejects.toThrow(
      /declined/,
    );
    expect(await memberCount(org.id)).toBe(1);
    // Nothing was used up: the invitation is still open.
    expect(await listPendingInvitations(env.database.db, org.id)).toHaveLength(1);
    expect((await localSubscription(env.database, org.id)).seats).toBe(1);
  });
});

describe("roles", () => {
  it("keeps at least one owner and lets only owners touch owners", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const members = await listMembers(env.database.db, org.id);
    const owner = members.find((m) => m.role === "owner")!;
    const other = members.find((m) => m.role === "member")!;
    await expect(
      removeMember(...args(), { organizationId: org.id, membershipId: owner.membershipId, actor, callerRole: "owner" }),
    ).rejects.toThrow(/last owner/);
    await expect(
      changeMemberRole(...args(), {
        organizationId: org.id,
        membershipId: owner.membershipId,
        role: "member",
        actor,
        callerRole: "owner",
      }),
    ).rejects.toThrow(/at least one owner/);
    await expect(
      changeMemberRole(...args(), {
        organizationId: org.id,
        membershipId: other.membershipId,
        role: "owner",
        actor,
        callerRole: "admin",
      }),
    ).rejects.toThrow(/Only an owner/);
    await expect(
      inviteMember(...args(), { organizationId: org.id, email: "x@y.test", actor, callerRole: "member" }),
    ).rejects.toThrow(/Only owners and admins/);
    expect(
      await changeMemberRole(...args(), {
        organizationId: org.id,
        membershipId: other.membershipId,
        role: "owner",
        actor,
        callerRole: "owner",
      }),
    ).toEqual({ changed: true });
    // Now two owners: one may step down, and the last one may not.
    expect(
      await changeMemberRole(...args(), {
        organizationId: org.id,
        membershipId: owner.membershipId,
        role: "admin",
        actor,
        callerRole: "owner",
      }),
    ).toEqual({ changed: true });
    await expect(
      removeMember(...args(), { organizationId: org.id, membershipId: other.membershipId, actor, callerRole: "owner" }),
    ).rejects.toThrow(/last owner/);
  });
});

describe("invite input", () => {
  it("accepts an email with surrounding spaces and capitals as the same address", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await join({
      organizationId: org.id,
      email: "  New.Person@Example.TEST ",
      actor,
      callerRole: "owner",
    });
    const emails = (await listMembers(env.database.db, org.id)).map((m) => m.email);
    expect(emails).toContain("new.person@example.test");
  });
});
