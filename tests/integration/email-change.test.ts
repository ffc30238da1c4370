import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ZodError } from "zod";
import type { Database } from "@/db/connect";
import { auditLog, outbox, users, userTokens } from "@/db/schema";
import {
  confirmEmailChange,
  EMAIL_CHANGE_TTL_MS,
  MAX_EMAIL_CHANGES_PER_USER,
  pendingEmailChange,
  requestEmailChange,
  requestEmailChangeSchema,
  requestPasswordReset,
  resetPassword,
  viewEmailChange,
  viewEmailVerification,
  verifyEmail,
  signUp,
} from "@/lib/accounts";
import { hashPassword } from "@/lib/auth/password";
import { defineAction, type ActionEffects } from "@/lib/http/action-chain";
import { drainOutbox, smtpTransport, type MailTransport } from "@/lib/mail";
import { hashToken } from "@/lib/orgs";
import { createTestDatabase, onRealPostgres } from "../support/db";
import { dbFingerprint } from "../support/db-fingerprint";
import { startSmtpSink, type SinkMessage, type SmtpSink } from "../support/smtp-sink";

/**
 * Changing one's email address, over a real SMTP server: the link goes to the new address and a
 * notice to the old one; the address changes only when the link is confirmed, once, in time, if
 * nobody took the address meanwhile. Opening a link (what the page's GET does) changes nothing.
 */

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

const PASSWORD = "old-password-123";
let n = 0;
async function person(prefix = "p") {
  const email = `${prefix}${n++}-${Date.now()}@example.test`;
  const [u] = await database.db
    .insert(users)
    .values({ email, name: "Person", passwordHash: await hashPassword(PASSWORD) })
    .returning();
  return u!;
}
const fresh = (prefix = "new") => `${prefix}${n++}-${Date.now()}@elsewhere.test`;

async function delivered(): Promise<void> {
  await drainOutbox(database.db, { transport: smtp });
}

function lastTo(to: string): SinkMessage {
  const m = sink.messages.filter((x) => x.to.includes(to)).at(-1);
  if (!m) throw new Error(`no message to ${to}`);
  return m;
}

/** The token of the newest confirmation link sent to `to`, as the person would follow it. */
async function confirmLinkTo(to: string): Promise<string> {
  await delivered();
  const link = lastTo(to).links.find((l) => new URL(l).pathname.startsWith("/confirm-email-change/"));
  if (!link) throw new Error(`no confirmation link to ${to}`);
  return new URL(link).pathname.split("/").at(-1)!;
}

async function emailOf(id: string) {
  const [u] = await database.db.select().from(users).where(eq(users.id, id));
  return u!;
}

describe("email change", () => {
  it("emails a link to the new address and a notice to the old; the address changes only on confirmation", async () => {
    const u = await person();
    const to = fresh();
    const r = await requestEmailChange(database.db, u.id, { newEmail: `  ${to.toUpperCase()} `, password: PASSWORD });
    expect(r.newEmail).toBe(to);
    expect((await emailOf(u.id)).email).toBe(u.email);
    expect(await pendingEmailChange(database.db, u.id)).toEqual({ newEmail: to, expiresAt: r.expiresAt });

    const token = await confirmLinkTo(to);
    const confirm = lastTo(to);
    expect(confirm.subject).toBe("Confirm your new email address for AgentBill");
    expect(confirm.text).toContain(u.email);
    expect(confirm.html).toContain(`/confirm-email-change/${token}`);
    const notice = lastTo(u.email);
    expect(notice.subject).toBe("Your AgentBill email address is being changed");
    expect(notice.text).toContain(to);
    expect(notice.text).toContain("If this wasn't you");
    expect(notice.links.some((l) => l.endsWith("/forgot-password"))).toBe(true);
    // The old address never gets the link.
    expect(notice.text).not.toContain(token);

    // Hashed at rest; the sent payload forgets the secret.
    const [stored] = await database.db
      .select()
      .from(userTokens)
      .where(and(eq(userTokens.userId, u.id), eq(userTokens.purpose, "email_change")));
    expect(stored!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(await database.db.select().from(outbox))).not.toContain(token);

    // Opening the link (the page's GET) reads only.
    const before = await dbFingerprint(database.db);
    expect(await viewEmailChange(database.db, token)).toMatchObject({
      status: "open",
      currentEmail: u.email,
      newEmail: to,
    });
    expect(await viewEmailChange(database.db, token)).toMatchObject({ status: "open" });
    expect(await dbFingerprint(database.db)).toEqual(before);

    expect(await confirmEmailChange(database.db, { token })).toEqual({ email: to, previousEmail: u.email });
    const after = await emailOf(u.id);
    expect(after.email).toBe(to);
    expect(after.emailVerifiedAt).not.toBeNull();
    // Sessions carry on: they name the user, not the address.
    expect(after.sessionVersion).toBe(u.sessionVersion);
    expect(await pendingEmailChange(database.db, u.id)).toBeNull();
    expect(await viewEmailChange(database.db, token)).toEqual({ status: "invalid" });

    const audit = await database.db.select().from(auditLog).where(eq(auditLog.targetId, u.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["user.email_change_requested", "user.email_changed"]);
    expect(audit.find((a) => a.action === "user.email_changed")!.details).toEqual({ from: u.email, to });

    // Reuse.
    await expect(confirmEmailChange(database.db, { token })).rejects.toThrow(/already used/);
    // A password reset now goes to the new address only.
    const sent = sink.messages.length;
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.9.0.1" });
    await requestPasswordReset(database.db, { email: to, clientAddress: "10.9.0.1" });
    await delivered();
    expect(sink.messages.slice(sent).map((m) => m.to)).toEqual([[to]]);
  });

  it("refuses a wrong password, the current address and an address in use (any case), writing nothing", async () => {
    const u = await person();
    const other = await person("taken");
    const before = await dbFingerprint(database.db);
    await expect(
      requestEmailChange(database.db, u.id, { newEmail: fresh(), password: "wrong-password" }),
    ).rejects.toThrow(/password is not right/);
    await expect(
      requestEmailChange(database.db, u.id, { newEmail: u.email.toUpperCase(), password: PASSWORD }),
    ).rejects.toThrow(/already your email address/);
    await expect(
      requestEmailChange(database.db, u.id, { newEmail: ` ${other.email.toUpperCase()}`, password: PASSWORD }),
    ).rejects.toMatchObject({ code: "conflict", details: { fieldErrors: { newEmail: expect.any(String) } } });
    expect(await dbFingerprint(database.db)).toEqual(before);
  });

  it("refuses bad and oversized input with field messages before anything is written", async () => {
    const u = await person();
    const before = await dbFingerprint(database.db);
    for (const input of [
      { newEmail: "not-an-address", password: PASSWORD },
      { newEmail: `${"a".repeat(250)}@example.test`, password: PASSWORD },
      { newEmail: fresh(), password: "" },
      { newEmail: fresh(), password: "x".repeat(201) },
      { newEmail: 42, password: PASSWORD },
    ])
      await expect(requestEmailChange(database.db, u.id, input as never)).rejects.toBeInstanceOf(ZodError);
    for (const token of ["", "short", "x".repeat(201), 7])
      await expect(confirmEmailChange(database.db, { token } as never)).rejects.toBeInstanceOf(ZodError);
    expect(await viewEmailChange(database.db, "x".repeat(5000))).toEqual({ status: "invalid" });

    // Through the real action chain, as a form posts it: field messages, the body never runs.
    const effects: ActionEffects = {
      revalidate: () => undefined,
      redirect: (p: string): never => {
        throw new Error(`redirect to ${p}`);
      },
    };
    let ran = 0;
    const action = defineAction(
      async () => ({}),
      { schema: requestEmailChangeSchema },
      async () => void ran++,
      effects,
    );
    const fd = new FormData();
    fd.set("newEmail", "nope");
    fd.set("password", "");
    const res = await action(null, fd);
    expect(res).toMatchObject({
      ok: false,
      fieldErrors: { newEmail: expect.any(String), password: expect.any(String) },
    });
    expect(ran).toBe(0);
    expect(await dbFingerprint(database.db)).toEqual(before);
  });

  it("a link expires, and a newer request makes older links stop working", async () => {
    const u = await person();
    const t0 = new Date("2031-02-01T09:00:00Z");
    const first = fresh("first");
    await requestEmailChange(database.db, u.id, { newEmail: first, password: PASSWORD }, t0);
    const firstToken = await confirmLinkTo(first);
    const late = new Date(t0.getTime() + EMAIL_CHANGE_TTL_MS + 1000);
    expect(await viewEmailChange(database.db, firstToken, late)).toEqual({ status: "invalid" });
    await expect(confirmEmailChange(database.db, { token: firstToken }, late)).rejects.toThrow(/expired/);

    const second = fresh("second");
    await requestEmailChange(database.db, u.id, { newEmail: second, password: PASSWORD }, t0);
    const secondToken = await confirmLinkTo(second);
    await expect(confirmEmailChange(database.db, { token: firstToken }, t0)).rejects.toThrow(/replaced by a newer/);
    expect((await emailOf(u.id)).email).toBe(u.email);
    expect(await confirmEmailChange(database.db, { token: secondToken }, t0)).toMatchObject({ email: second });
  });

  it("refuses at confirmation an address another account took meanwhile", async () => {
    const u = await person();
    const to = fresh();
    await requestEmailChange(database.db, u.id, { newEmail: to, password: PASSWORD });
    const token = await confirmLinkTo(to);
    await signUp(database.db, { name: "Quick", email: to, password: "quick-password-1", organizationName: "Quick Co" });
    await expect(confirmEmailChange(database.db, { token })).rejects.toMatchObject({ code: "conflict" });
    expect((await emailOf(u.id)).email).toBe(u.email);
    const [quick] = await database.db.select().from(users).where(eq(users.email, to));
    expect(quick!.name).toBe("Quick");
  });

  it("two tabs confirming one link at once: one succeeds, the other is told it was used", async () => {
    const u = await person();
    const to = fresh();
    await requestEmailChange(database.db, u.id, { newEmail: to, password: PASSWORD });
    const token = await confirmLinkTo(to);
    const results = await Promise.allSettled([
      confirmEmailChange(database.db, { token }),
      confirmEmailChange(database.db, { token }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/already used/);
    expect((await emailOf(u.id)).email).toBe(to);
    const changes = await database.db.select().from(auditLog).where(eq(auditLog.action, "user.email_changed"));
    expect(changes.filter((a) => a.targetId === u.id)).toHaveLength(1);
  });

  it("two accounts confirming the same new address at once: the unique index lets exactly one have it", async () => {
    const a = await person("a");
    const b = await person("b");
    const to = fresh("contested");
    await requestEmailChange(database.db, a.id, { newEmail: to, password: PASSWORD });
    const tokenA = await confirmLinkTo(to);
    await requestEmailChange(database.db, b.id, { newEmail: to, password: PASSWORD });
    const tokenB = await confirmLinkTo(to);
    expect(tokenA).not.toBe(tokenB);
    const results = await Promise.allSettled([
      confirmEmailChange(database.db, { token: tokenA }),
      confirmEmailChange(database.db, { token: tokenB }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict" });
    const owners = await database.db.select({ id: users.id }).from(users).where(eq(users.email, to));
    expect(owners).toHaveLength(1);
  });

  it.skipIf(!onRealPostgres())(
    "an address taken by a transaction still open when we checked: the unique index refuses, with a message",
    async () => {
      const u = await person();
      const rival = await person("rival");
      const to = fresh("raced");
      await requestEmailChange(database.db, u.id, { newEmail: to, password: PASSWORD });
      const token = await confirmLinkTo(to);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      // Another connection writes the address and holds its transaction open across our check.
      const holder = database.db.transaction(async (tx) => {
        await tx.update(users).set({ email: to }).where(eq(users.id, rival.id));
        written();
        await gate;
      });
      await wrote;
      const confirming = confirmEmailChange(database.db, { token });
      const outcome = confirming.then(
        () => "changed",
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 300));
      release();
      await holder;
      expect(await outcome).toMatchObject({ code: "conflict", message: expect.stringMatching(/was not changed/) });
      expect((await emailOf(u.id)).email).toBe(u.email);
      expect((await emailOf(rival.id)).email).toBe(to);
    },
  );

  it("is throttled per account, wrong passwords included", async () => {
    const u = await person();
    for (let i = 0; i < MAX_EMAIL_CHANGES_PER_USER; i++)
      await requestEmailChange(database.db, u.id, {
        newEmail: fresh(),
        password: i % 2 ? PASSWORD : "wrong-password",
      }).catch(() => undefined);
    await expect(requestEmailChange(database.db, u.id, { newEmail: fresh(), password: PASSWORD })).rejects.toThrow(
      /Too many email change requests/,
    );
  });

  it("resetting the password (the notice's way out) cancels a change not yet confirmed", async () => {
    const u = await person();
    const to = fresh();
    await requestEmailChange(database.db, u.id, { newEmail: to, password: PASSWORD });
    const token = await confirmLinkTo(to);
    await requestPasswordReset(database.db, { email: u.email, clientAddress: "10.9.0.2" });
    await delivered();
    const reset = lastTo(u.email).links.find((l) => l.includes("/reset-password/"))!;
    await resetPassword(database.db, { token: reset.split("/reset-password/")[1]!, password: "a-new-password-1" });
    expect(await viewEmailChange(database.db, token)).toEqual({ status: "invalid" });
    await expect(confirmEmailChange(database.db, { token })).rejects.toThrow(/expired/);
    expect((await emailOf(u.id)).email).toBe(u.email);
  });
});

describe("email verification link", () => {
  it("opening it reads only; the confirmation is the POST", async () => {
    const { email } = await signUp(database.db, {
      name: "Vera",
      email: fresh("vera"),
      password: "vera-password-1",
      organizationName: "Vera Co",
    });
    await delivered();
    const link = lastTo(email).links.find((l) => l.includes("/verify-email/"))!;
    const token = new URL(link).pathname.split("/").at(-1)!;
    const before = await dbFingerprint(database.db);
    expect(await viewEmailVerification(database.db, token)).toEqual({ status: "open", email });
    expect(await viewEmailVerification(database.db, token)).toEqual({ status: "open", email });
    expect(await viewEmailVerification(database.db, "y".repeat(43))).toEqual({ status: "invalid" });
    expect(await dbFingerprint(database.db)).toEqual(before);
    expect(await verifyEmail(database.db, token)).toEqual({ email });
    expect(await viewEmailVerification(database.db, token)).toEqual({ status: "invalid" });
  });
});
