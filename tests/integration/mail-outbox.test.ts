import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { memberships, organizations, outbox, users } from "@/db/schema";
import { drainOutbox, enqueueMail, MAX_MAIL_ATTEMPTS, smtpTransport, type MailTransport } from "@/lib/mail";
import { createTestDatabase } from "../support/db";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

let database: Database;
let sink: SmtpSink;
let smtp: MailTransport;

beforeAll(async () => {
  database = await createTestDatabase();
  sink = await startSmtpSink();
  smtp = smtpTransport(sink.url);
});
afterAll(async () => {
  await sink?.close();
  await database?.close();
});

async function org(slug: string, billingEmail: string | null = null) {
  const [o] = await database.db
    .insert(organizations)
    .values({ slug, name: `Org ${slug}`, billingEmail })
    .returning();
  for (const [email, role] of [
    [`owner@${slug}.test`, "owner"],
    [`admin@${slug}.test`, "admin"],
    [`member@${slug}.test`, "member"],
  ] as const) {
    const [u] = await database.db.insert(users).values({ email, name: email }).returning();
    await database.db.insert(memberships).values({ organizationId: o!.id, userId: u!.id, role });
  }
  return o!;
}

const rowOf = async (kind: string, organizationId: string) =>
  (await database.db.select().from(outbox).where(eq(outbox.organizationId, organizationId))).find(
    (r) => r.kind === kind,
  )!;

describe("the outbox worker over real SMTP", () => {
  it("sends a usage alert to owners and admins (not members), with HTML and text parts, once", async () => {
    const o = await org("alerts");
    await enqueueMail(database.db, {
      kind: "usage_alert",
      organizationId: o.id,
      payload: { metric: "executions", thresholdPercent: 80, used: 8_000, limit: 10_000 },
    });
    const r = await drainOutbox(database.db, { transport: smtp });
    expect(r.sent).toBe(1);
    const m = await sink.waitFor((x) => x.subject.includes("Org alerts"));
    expect(m.to.sort()).toEqual(["admin@alerts.test", "owner@alerts.test"]);
    expect(m.subject).toBe("Org alerts used 80% of its executions");
    expect(m.text).toContain("Used: 8000");
    expect(m.html).toContain("<table");
    expect(m.links).toContain("http://localhost:3000/orgs/alerts/billing");
    const row = await rowOf("usage_alert", o.id);
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null, subject: m.subject });
    // A second pass finds nothing to send.
    const before = sink.messages.length;
    expect((await drainOutbox(database.db, { transport: smtp })).sent).toBe(0);
    expect(sink.messages.length).toBe(before);
  });

  it("sends money mail to the billing email when there is one", async () => {
    const o = await org("money", "accounts@money.test");
    await enqueueMail(database.db, {
      kind: "payment_failed",
      organizationId: o.id,
      payload: { invoice: "in_1", amountDue: 4_900, currency: "usd", attempt: 1, nextPaymentAttempt: 1_893_456_000 },
    });
    await drainOutbox(database.db, { transport: smtp });
    const m = await sink.waitFor((x) => x.subject.startsWith("Payment failed for Org money"));
    expect(m.to).toEqual(["accounts@money.test"]);
    expect(m.subject).toBe("Payment failed for Org money: $49.00");
    expect(m.text).toContain("Next try: Jan 1, 2030");
    expect(m.links).toContain("http://localhost:3000/orgs/money/billing/plan");
  });

  it("retries a refused message with backoff, records the error, and sends it once when the server takes it", async () => {
    const o = await org("retry");
    await enqueueMail(database.db, {
      kind: "organization_suspended",
      organizationId: o.id,
      payload: { reason: "Unpaid" },
    });
    sink.refuse(1);
    let clock = new Date("2030-01-01T00:00:00Z");
    const now = () => clock;
    expect(await drainOutbox(database.db, { transport: smtp, now })).toMatchObject({ sent: 0, failed: 1 });
    let row = await rowOf("organization_suspended", o.id);
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/Try again later/);
    expect(row.nextAttemptAt.getTime()).toBe(clock.getTime() + 60_000);
    // Not due yet: nothing happens.
    clock = new Date(clock.getTime() + 30_000);
    expect((await drainOutbox(database.db, { transport: smtp, now })).sent).toBe(0);
    clock = new Date(clock.getTime() + 31_000);
    expect((await drainOutbox(database.db, { transport: smtp, now })).sent).toBe(1);
    row = await rowOf("organization_suspended", o.id);
    expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(sink.messages.filter((m) => m.subject === "Org retry is suspended")).toHaveLength(1);
  });

  it("gives up after the last attempt and says why", async () => {
    const o = await org("dead");
    await enqueueMail(database.db, { kind: "organization_reactivated", organizationId: o.id, payload: {} });
    const broken: MailTransport = { name: "broken", send: () => Promise.reject(new Error("connect ECONNREFUSED")) };
    let clock = new Date("2031-01-01T00:00:00Z");
    for (let i = 0; i < MAX_MAIL_ATTEMPTS; i++) {
      await drainOutbox(database.db, { transport: broken, now: () => clock });
      clock = new Date(clock.getTime() + 2 * 86_400_000);
    }
    const row = await rowOf("organization_reactivated", o.id);
    expect(row).toMatchObject({ status: "dead", attempts: MAX_MAIL_ATTEMPTS, lastError: "connect ECONNREFUSED." });
  });

  it("never sends one row twice when two workers drain at once", async () => {
    const o = await org("race");
    for (let i = 0; i < 6; i++)
      await enqueueMail(database.db, {
        kind: "usage_alert",
        organizationId: o.id,
        payload: { metric: "agents", thresholdPercent: 100, used: 10 + i, limit: 10 },
      });
    const results = await Promise.all([
      drainOutbox(database.db, { transport: smtp }),
      drainOutbox(database.db, { transport: smtp }),
    ]);
    expect(results[0]!.sent + results[1]!.sent).toBe(6);
    const got = sink.messages.filter((m) => m.subject.startsWith("Org race "));
    expect(got).toHaveLength(6);
    const [n] = await database.db
      .execute(sql`select count(*)::int as n from outbox where status = 'sent' and organization_id = ${o.id}`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows));
    expect((n as { n: number }).n).toBe(6);
  });

  it("drops the secret link from the payload once an invitation is sent", async () => {
    await enqueueMail(database.db, {
      kind: "invitation",
      organizationId: null,
      payload: {
        email: "new@person.test",
        token: "secret-token-123",
        role: "member",
        expiresAt: "2030-01-08T00:00:00Z",
      },
    });
    await drainOutbox(database.db, { transport: smtp });
    const m = await sink.waitFor((x) => x.to.includes("new@person.test"));
    expect(m.links).toContain("http://localhost:3000/invite/secret-token-123");
    const [row] = await database.db.select().from(outbox).where(eq(outbox.kind, "invitation"));
    expect(row!.payload).not.toHaveProperty("token");
    expect(row!.recipients).toEqual(["new@person.test"]);
  });
});
