import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invitations, users } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { attachPaymentMethod, changePlan } from "@/lib/billing";
import { drainOutbox, smtpTransport, type MailTransport } from "@/lib/mail";
import {
  acceptInvitation,
  listPendingInvitations,
  resendInvitation,
  revokeInvitation,
  viewInvitation,
} from "@/lib/orgs/invitations";
import { inviteMember, listMembers } from "@/lib/orgs/members";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

let env: BillingEnv;
let sink: SmtpSink;
let smtp: MailTransport;
beforeAll(async () => {
  env = await startBillingEnv();
  sink = await startSmtpSink();
  smtp = smtpTransport(sink.url);
});
afterAll(async () => {
  await sink?.close();
  await env?.stop();
});

const args = () => [env.database.db, env.stripe] as const;

/** Send the outbox and read the invitation link that reached `to`. */
async function linkFor(to: string): Promise<string> {
  await drainOutbox(env.database.db, { transport: smtp });
  const m = sink.messages.filter((x) => x.to.includes(to)).at(-1);
  if (!m) throw new Error(`no mail to ${to}`);
  const link = m.links.find((l) => l.includes("/invite/"));
  if (!link) throw new Error("no invitation link");
  return link;
}
const tokenOf = (link: string) => link.split("/invite/")[1]!;

describe("invitations", () => {
  it("emails a link; the person sets a name and password and joins; the link works once", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await inviteMember(...args(), {
      organizationId: org.id,
      email: "ann@example.test",
      role: "admin",
      actor,
      callerRole: "owner",
    });
    // Not a member yet, and nothing billed: pending.
    expect((await listMembers(env.database.db, org.id)).map((m) => m.email)).not.toContain("ann@example.test");
    expect(await listPendingInvitations(env.database.db, org.id)).toMatchObject([
      { email: "ann@example.test", role: "admin" },
    ]);

    const link = await linkFor("ann@example.test");
    const mail = sink.messages.find((m) => m.to.includes("ann@example.test"))!;
    expect(mail.subject).toBe(`You're invited to join ${org.name} on AgentBill`);
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link);
    // Stored only as its hash.
    const [row] = await env.database.db.select().from(invitations).where(eq(invitations.organizationId, org.id));
    expect(row!.tokenHash).not.toContain(token);
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await viewInvitation(env.database.db, token)).toMatchObject({
      status: "open",
      hasAccount: false,
      role: "admin",
    });
    await expect(acceptInvitation(...args(), { token })).rejects.toThrow(/name and choose a password/);
    await expect(acceptInvitation(...args(), { token, name: "Ann", password: "short" })).rejects.toThrow(/at least 10/);
    const r = await acceptInvitation(...args(), { token, name: "Ann Lee", password: "correct horse battery" });
    expect(r).toEqual({ email: "ann@example.test", organizationSlug: org.slug, newAccount: true });
    const members = await listMembers(env.database.db, org.id);
    expect(members.find((m) => m.email === "ann@example.test")).toMatchObject({ name: "Ann Lee", role: "admin" });
    const [user] = await env.database.db.select().from(users).where(eq(users.email, "ann@example.test"));
    expect(await verifyPassword("correct horse battery", user!.passwordHash)).toBe(true);
    expect(user!.emailVerifiedAt).not.toBeNull();

    // Single use: a second click (or a second tab) is refused and changes nothing.
    await expect(acceptInvitation(...args(), { token, name: "Mallory", password: "another-password" })).rejects.toThrow(
      /already used/,
    );
    expect(await listPendingInvitations(env.database.db, org.id)).toHaveLength(0);
  });

  it("lets an existing user join without a new password; two tabs accepting at once join once", async () => {
    const { org: first, owner } = await makeOrg(env.database, { members: 1 });
    await env.database.db.update(users).set({ passwordHash: "x" }).where(eq(users.id, owner.id));
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    const { token } = await inviteMember(...args(), {
      organizationId: org.id,
      email: owner.email,
      actor,
      callerRole: "owner",
    });
    expect(await viewInvitation(env.database.db, token)).toMatchObject({ hasAccount: true });
    const results = await Promise.allSettled([
      acceptInvitation(...args(), { token }),
      acceptInvitation(...args(), { token }),
    ]);
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    expect((await listMembers(env.database.db, org.id)).filter((m) => m.email === owner.email)).toHaveLength(1);
    expect(first.id).not.toBe(org.id);
  });

  it("expires, and a resend gives a new link that replaces the old one", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    const t0 = new Date("2030-03-01T00:00:00Z");
    const { invitationId, token } = await inviteMember(...args(), {
      organizationId: org.id,
      email: "late@example.test",
      actor,
      callerRole: "owner",
      now: t0,
    });
    const after8Days = new Date(t0.getTime() + 8 * 86_400_000);
    await expect(
      acceptInvitation(...args(), { token, name: "Late", password: "a-long-password" }, after8Days),
    ).rejects.toThrow(/expired/);
    expect(await viewInvitation(env.database.db, token, after8Days)).toMatchObject({ status: "expired" });
    await expect(
      resendInvitation(env.database.db, {
        organizationId: org.id,
        invitationId,
        actor,
        callerRole: "owner",
        now: new Date(t0.getTime() + 30_000),
      }),
    ).rejects.toThrow(/Wait a minute/);
    const again = await resendInvitation(env.database.db, {
      organizationId: org.id,
      invitationId,
      actor,
      callerRole: "admin",
      now: after8Days,
    });
    expect(again.token).not.toBe(token);
    await expect(
      acceptInvitation(...args(), { token, name: "Late", password: "a-long-password" }, after8Days),
    ).rejects.toThrow(/not valid/);
    await acceptInvitation(...args(), { token: again.token, name: "Late", password: "a-long-password" }, after8Days);
    expect((await listMembers(env.database.db, org.id)).map((m) => m.email)).toContain("late@example.test");
  });

  it("revoked links stop working; only owners and admins manage invitations; another organization's is not found", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    const other = await makeOrg(env.database, { members: 1 });
    const { invitationId, token } = await inviteMember(...args(), {
      organizationId: org.id,
      email: "gone@example.test",
      actor,
      callerRole: "owner",
    });
    await expect(
      revokeInvitation(env.database.db, { organizationId: org.id, invitationId, actor, callerRole: "member" }),
    ).rejects.toThrow(/Only owners and admins/);
    await expect(
      revokeInvitation(env.database.db, {
        organizationId: other.org.id,
        invitationId,
        actor: other.actor,
        callerRole: "owner",
      }),
    ).rejects.toThrow(/already accepted or revoked/);
    await revokeInvitation(env.database.db, { organizationId: org.id, invitationId, actor, callerRole: "owner" });
    await expect(acceptInvitation(...args(), { token, name: "Gone", password: "a-long-password" })).rejects.toThrow(
      /withdrawn/,
    );
    // The address can be invited again.
    await inviteMember(...args(), { organizationId: org.id, email: "gone@example.test", actor, callerRole: "owner" });
  });

  it("bills the seat at acceptance, not at invitation (Pro, per seat)", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    await changePlan(...args(), { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    const { token } = await inviteMember(...args(), {
      organizationId: org.id,
      email: "seat@pro.test",
      actor,
      callerRole: "owner",
    });
    const sub = await localSubscription(env.database, org.id);
    expect(sub.seats).toBe(1);
    expect((await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!)).items.data[0]!.quantity).toBe(1);
    await acceptInvitation(...args(), { token, name: "Seat", password: "a-long-password" });
    expect((await localSubscription(env.database, org.id)).seats).toBe(2);
    expect((await env.stripe.subscriptions.retrieve(sub.stripeSubscriptionId!)).items.data[0]!.quantity).toBe(2);
  });
});
