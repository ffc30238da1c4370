import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { outbox, subscriptions, webhookEvents } from "@/db/schema";
import { reactivateOrganization, suspendOrganization } from "@/lib/admin";
import { attachPaymentMethod, changePlan } from "@/lib/billing";
import { drainOutbox, smtpTransport, type MailTransport } from "@/lib/mail";
import { queueRenewalNotices } from "@/lib/notify/renewals";
import { recordUsageAlerts } from "@/lib/usage";
import { makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
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

const kinds = async (organizationId: string) =>
  (await env.database.db.select().from(outbox).where(eq(outbox.organizationId, organizationId)))
    .map((r) => r.kind)
    .sort();
const events = async (organizationId: string) =>
  (await env.database.db.select().from(webhookEvents).where(eq(webhookEvents.organizationId, organizationId)))
    .map((r) => r.type)
    .sort();

describe("messages where the events happen", () => {
  it("suspension and reactivation: an email to owners and admins and a platform event each", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    await suspendOrganization(env.database.db, org.id, { reason: "Unpaid invoices since March" }, actor);
    await reactivateOrganization(env.database.db, org.id, { reason: "Paid" }, actor);
    expect(await kinds(org.id)).toEqual(["organization_reactivated", "organization_suspended"]);
    expect(await events(org.id)).toEqual(["organization.reactivated", "organization.suspended"]);
    await drainOutbox(env.database.db, { transport: smtp });
    const m = await sink.waitFor((x) => x.subject === `${org.name} is suspended`);
    expect(m.to).toEqual([`u0-${org.slug}@example.test`]);
    expect(m.text).toContain("Unpaid invoices since March");
  });

  it("usage alerts: 80% and 100% emails, usage.threshold_crossed for each and limit.reached at 100%", async () => {
    const { org } = await makeOrg(env.database, { members: 1 });
    const periodStart = new Date("2030-01-01T00:00:00Z");
    await recordUsageAlerts(env.database.db, org.id, [
      { metric: "executions", periodStart, used: 8_000, limit: 10_000, thresholdPercent: 80 },
      { metric: "executions", periodStart, used: 10_400, limit: 10_000, thresholdPercent: 100 },
    ]);
    expect(await kinds(org.id)).toEqual(["usage_alert", "usage_alert"]);
    expect(await events(org.id)).toEqual(["limit.reached", "usage.threshold_crossed", "usage.threshold_crossed"]);
    const [reached] = await env.database.db
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.organizationId, org.id), eq(webhookEvents.type, "limit.reached")));
    expect(reached!.data).toMatchObject({ metric: "executions", threshold: 100, used: 10_400, limit: 10_000 });
    await drainOutbox(env.database.db, { transport: smtp });
    await sink.waitFor((x) => x.subject === `${org.name} used 80% of its executions`);
    await sink.waitFor((x) => x.subject === `${org.name} is over its limit of executions`);
  });

  it("a paid invoice sends a receipt with the PDF link to the billing email; the subscription raises subscription.created", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 1 });
    await attachPaymentMethod(env.database.db, env.stripe, {
      organizationId: org.id,
      paymentMethod: "pm_card_visa",
      actor,
    });
    await changePlan(env.database.db, env.stripe, { organizationId: org.id, planId: "pro", cycle: "monthly", actor });
    await env.settle();
    expect(await kinds(org.id)).toContain("invoice_paid");
    const types = await events(org.id);
    expect(types).toContain("invoice.paid");
    expect(types).toContain("subscription.created");
    await drainOutbox(env.database.db, { transport: smtp });
    const m = await sink.waitFor((x) => x.subject.startsWith(`Receipt for ${org.name}`));
    expect(m.to).toEqual([`billing@${org.slug}.test`]);
    expect(m.links.some((l) => /\/api\/invoices\/[0-9a-f-]{36}\/pdf$/.test(l))).toBe(true);
    // Replayed webhooks don't send a second receipt.
    await env.settle();
    expect((await kinds(org.id)).filter((k) => k === "invoice_paid")).toHaveLength(1);
  });

  it("queues one renewal reminder per renewal date, 3 days ahead", async () => {
    const { org } = await makeOrg(env.database, { members: 1 });
    const now = new Date("2031-06-10T00:00:00Z");
    await env.database.db
      .update(subscriptions)
      .set({
        planId: "pro",
        status: "active",
        stripeSubscriptionId: `sub_fake_${org.slug}`,
        currentPeriodEnd: new Date("2031-06-12T00:00:00Z"),
      })
      .where(eq(subscriptions.organizationId, org.id));
    expect((await queueRenewalNotices(env.database.db, { now })).queued).toBeGreaterThanOrEqual(1);
    await queueRenewalNotices(env.database.db, { now });
    expect((await kinds(org.id)).filter((k) => k === "subscription_renewing")).toHaveLength(1);
    await drainOutbox(env.database.db, { transport: smtp });
    const m = await sink.waitFor((x) => x.subject === `${org.name} renews on Jun 12, 2031`);
    expect(m.to).toEqual([`billing@${org.slug}.test`]);
  });
});
