import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { subscriptions, users, userTokens } from "@/db/schema";
import {
  assertEmailVerified,
  MAX_RESETS_PER_EMAIL,
  RESET_SENT_MESSAGE,
  requestPasswordReset,
  resendVerification,
  resetLinkIsValid,
  resetPassword,
  signUp,
  verifyEmail,
} from "@/lib/accounts";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { drainOutbox, smtpTransport, type MailTransport } from "@/lib/mail";
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

let n = 0;
async function person() {
  const email = `p${n++}-${Date.now()}@example.test`;
  const [u] = await database.db
    .insert(users)
    .values({ email, name: "Person", passwordHash: await hashPassword("old-password-123") })
    .returning();
  return u!;
}

async function linkIn(to: string, path: string) {
  await drainOutbox(database.db, { transport: smtp });
  const m = sink.messages.filter((x) => x.to.includes(to)).at(-1);
  const link = m?.links.find((l) => l.includes(path));
  if (!link) throw new Error(`no ${path} link to ${to}`);
  return link.split(path)[1]!;
}

describe("password reset", () => {
  it("answers the same for a known and an unknown address, and emails only the known one", async () => {
    const u = await person();
    const before = sink.messages.length;
    const known = await requestPasswordReset(database.db, { email: u.email.toUpperCase(), clientAddress: "10.0.0.1" });
    const unknown = await requestPasswordReset(database.db, {
      email: "nobody@example.test",
      clientAddress: "10.0.0.1",
    });
    expect(known).toEqual(unknown);
    expect(known.message).toBe(RESET_SENT_MESSAGE);
    await drainOutbox(database.db, { transport: smtp });
    const sent = sink.messages.slice(before);
    expect(sent.map((m) => m.to)).toEqual([[u.email]]);
    expect(sent[0]!.subject).toBe("Reset your AgentBill password");
  });

  it("sets the password once, ends every session, and the link is then dead", async () => {
    const u = await person();
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.0.0.2" });
    const token = await linkIn(u.email, "/reset-password/");
    const [stored] = await database.db.select().from(userTokens).where(eq(userTokens.userId, u.id));
    expect(stored!.tokenHash).not.toBe(token);
    expect(await resetLinkIsValid(database.db, token)).toBe(true);
    await expect(resetPassword(database.db, { token, password: "short" })).rejects.toThrow(/at least 10/);
    expect(await resetPassword(database.db, { token, password: "brand-new-password" })).toEqual({ email: u.email });
    const [after] = await database.db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword("brand-new-password", after!.passwordHash)).toBe(true);
    expect(after!.sessionVersion).toBe(u.sessionVersion + 1);
    await expect(resetPassword(database.db, { token, password: "another-password-1" })).rejects.toThrow(
      /expired or was already used/,
    );
    expect(await resetLinkIsValid(database.db, token)).toBe(false);
  });

  it("expires after an hour, and a newer link replaces an older one", async () => {
    const u = await person();
    const t0 = new Date("2030-05-01T10:00:00Z");
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.0.0.3", now: t0 });
    const first = await linkIn(u.email, "/reset-password/");
    await expect(
      resetPassword(database.db, { token: first, password: "late-password-123" }, new Date(t0.getTime() + 61 * 60_000)),
    ).rejects.toThrow(/expired/);
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.0.0.3", now: t0 });
    const second = await linkIn(u.email, "/reset-password/");
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.0.0.3", now: t0 });
    await linkIn(u.email, "/reset-password/");
    await expect(resetPassword(database.db, { token: second, password: "some-password-123" }, t0)).rejects.toThrow(
      /expired or was already used/,
    );
  });

  it("is throttled per address, whether or not it has an account", async () => {
    for (const email of ["flood@example.test", (await person()).email]) {
      for (let i = 0; i < MAX_RESETS_PER_EMAIL; i++)
        await requestPasswordReset(database.db, { email, clientAddress: `10.1.0.${i}` });
      await expect(requestPasswordReset(database.db, { email, clientAddress: "10.1.0.9" })).rejects.toThrow(
        /Too many reset requests/,
      );
    }
  });
});

describe("sign-up", () => {
  it("creates the person and their organization on Free; subscribing waits for the emailed confirmation", async () => {
    const r = await signUp(database.db, {
      name: "Dana",
      email: " Dana@NewCo.test ",
      password: "dana-password-1",
      organizationName: "NewCo Robotics",
    });
    expect(r).toEqual({ email: "dana@newco.test", organizationSlug: "newco-robotics" });
    const [u] = await database.db.select().from(users).where(eq(users.email, "dana@newco.test"));
    expect(u!.emailVerifiedAt).toBeNull();
    const subs = await database.db.select().from(subscriptions);
    expect(subs.some((s) => s.planId === "free" && s.canceledAt === null)).toBe(true);
    await expect(assertEmailVerified(database.db, u!.id)).rejects.toThrow(
      /Confirm your email address before subscribing/,
    );

    const token = await linkIn("dana@newco.test", "/verify-email/");
    expect(sink.messages.at(-1)!.subject).toBe("Confirm your email address for AgentBill");
    expect(await verifyEmail(database.db, token)).toEqual({ email: "dana@newco.test" });
    expect(await verifyEmail(database.db, token)).toBeNull();
    await expect(assertEmailVerified(database.db, u!.id)).resolves.toBeUndefined();
    await expect(resendVerification(database.db, u!.id)).rejects.toThrow(/already confirmed/);
  });

  it("refuses a taken address and bad input, writing nothing; a second organization of the same name gets its own slug", async () => {
    await expect(
      signUp(database.db, {
        name: "X",
        email: "dana@newco.test",
        password: "x-password-123",
        organizationName: "Other",
      }),
    ).rejects.toThrow(/already uses this email/);
    await expect(
      signUp(database.db, { name: "", email: "bad", password: "x", organizationName: "" }),
    ).rejects.toThrow();
    const r = await signUp(database.db, {
      name: "Eve",
      email: "eve@newco.test",
      password: "eve-password-12",
      organizationName: "NewCo Robotics",
    });
    expect(r.organizationSlug).toMatch(/^newco-robotics-[a-z0-9x]{6}$/);
  });
});
