import type { OutboxStatus } from "@/db/schema";
import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { memberships, organizations, outbox, users } from "@/db/schema";
import { rowsOf, type Db, type Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { describeFailure } from "@/lib/jobs";
import { renderMail } from "./render";
import { isMailKind, TEMPLATES, type Audience } from "./templates";
import { appUrl, type MailTransport } from "./transport";

/**
 * Delivery of the outbox. Producers write a row (kind + payload) in the transaction of the change
 * that causes it (`enqueueMail`); this worker, run by lib/jobs, delivers rows after commit.
 *
 * Each row is claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that also records the
 * outcome: a row being sent is locked, so no other worker (or instance) sends it, and "sent" is
 * written before the lock is released, so a later pass never sends it again. A failure is recorded
 * (attempts, last error) and the row is retried with backoff; after the last try it is `dead`,
 * shown on /admin/mail. Links with a secret (invitation, reset) leave the payload once sent.
 */

export const MAIL_JOB = "mail.outbox";
export const MAX_MAIL_ATTEMPTS = 8;
/** Delay before try n+1 after n failures: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h. */
const BACKOFF_MS = [60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000];
/** Payload fields holding a secret link; removed when the message is sent. */
const SECRET_FIELDS = ["token"];

export function mailBackoffMs(failures: number): number {
  return BACKOFF_MS[Math.min(Math.max(failures, 1), BACKOFF_MS.length) - 1]!;
}

/** Write a message in the caller's transaction; the worker sends it after commit. */
export async function enqueueMail(
  db: Queryable,
  input: { kind: string; organizationId: string | null; payload: Record<string, unknown> },
): Promise<void> {
  await db.insert(outbox).values({ organizationId: input.organizationId, kind: input.kind, payload: input.payload });
}

async function recipients(
  tx: Queryable,
  audience: Audience,
  organizationId: string | null,
  payload: Record<string, unknown>,
): Promise<string[]> {
  if (audience === "payload") return typeof payload.email === "string" ? [payload.email] : [];
  if (!organizationId) return [];
  if (audience === "billing") {
    const [org] = await tx
      .select({ billingEmail: organizations.billingEmail })
      .from(organizations)
      .where(eq(organizations.id, organizationId));
    if (org?.billingEmail) return [org.billingEmail];
  }
  const rows = await tx
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), inArray(memberships.role, ["owner", "admin"])))
    .orderBy(users.email);
  return rows.map((r) => r.email);
}

type Claimed = {
  id: string;
  organization_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
};

export type DrainResult = { sent: number; failed: number; dead: number; skipped: number };

/** Send what is due, one row per transaction, until nothing is due, the budget ends or the job stops. */
export async function drainOutbox(
  db: Db,
  opts: { transport: MailTransport; now?: () => Date; signal?: AbortSignal; limit?: number },
): Promise<DrainResult> {
  const now = opts.now ?? (() => new Date());
  const result: DrainResult = { sent: 0, failed: 0, dead: 0, skipped: 0 };
  const limit = opts.limit ?? 200;
  for (let i = 0; i < limit && !opts.signal?.aborted; i++) {
    const outcome = await db.transaction(async (tx) => {
      const at = now();
      const [row] = rowsOf<Claimed>(
        await tx.execute(sql`
          select id, organization_id, kind, payload, attempts from ${outbox}
          -- A JS date has whole milliseconds, PostgreSQL's microseconds: a row written in this very
          -- millisecond is due too (else it could wait for the next round).
          where status = 'pending' and next_attempt_at < ${at.toISOString()}::timestamptz + interval '1 millisecond'
          order by next_attempt_at, created_at limit 1
          for update skip locked`),
      );
      if (!row) return null;
      return deliverOne(tx, row, opts.transport, at);
    });
    if (!outcome) break;
    result[outcome]++;
  }
  return result;
}

async function deliverOne(tx: Queryable, row: Claimed, transport: MailTransport, at: Date): Promise<keyof DrainResult> {
  const attempts = row.attempts + 1;
  const fail = async (message: string, final: boolean) => {
    await tx
      .update(outbox)
      .set({
        attempts,
        lastError: message,
        status: final ? "dead" : "pending",
        nextAttemptAt: new Date(at.getTime() + mailBackoffMs(attempts)),
      })
      .where(eq(outbox.id, row.id));
    return final ? "dead" : "failed";
  };
  if (!isMailKind(row.kind)) {
    await tx
      .update(outbox)
      .set({ status: "skipped", attempts, lastError: `No email template for "${row.kind}".` })
      .where(eq(outbox.id, row.id));
    return "skipped";
  }
  const template = TEMPLATES[row.kind];
  const parsed = template.schema.safeParse(row.payload);
  if (!parsed.success)
    return fail(`The message's data is not what its template expects: ${parsed.error.message}`, true);
  const to = await recipients(tx, template.audience, row.organization_id, row.payload);
  if (to.length === 0) {
    await tx
      .update(outbox)
      .set({ status: "skipped", attempts, lastError: "Nobody to send it to (no owner, admin or billing email)." })
      .where(eq(outbox.id, row.id));
    return "skipped";
  }
  const [org] = row.organization_id
    ? await tx
        .select({ name: organizations.name, slug: organizations.slug })
        .from(organizations)
        .where(eq(organizations.id, row.organization_id))
    : [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the kind picked the template and its parsed payload
  const content = template.render(parsed.data as any, { appUrl: appUrl(), organization: org ?? null });
  const mail = await renderMail(content);
  try {
    await transport.send({ ...mail, to, from: env().mailFrom }, tx);
  } catch (err) {
    return fail(describeFailure(err).message, attempts >= MAX_MAIL_ATTEMPTS);
  }
  const payload = { ...row.payload };
  for (const k of SECRET_FIELDS) delete payload[k];
  await tx
    .update(outbox)
    .set({ status: "sent", sentAt: at, attempts, lastError: null, recipients: to, subject: mail.subject, payload })
    .where(eq(outbox.id, row.id));
  return "sent";
}

export type OutboxRow = {
  id: string;
  kind: string;
  organizationId: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  recipients: string[] | null;
  subject: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
};

/** The latest messages for the admin log, optionally one status only. */
export async function listOutbox(db: Queryable, opts: { status?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  return db
    .select({
      id: outbox.id,
      kind: outbox.kind,
      organizationId: outbox.organizationId,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      recipients: outbox.recipients,
      subject: outbox.subject,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
      nextAttemptAt: outbox.nextAttemptAt,
    })
    .from(outbox)
    .where(opts.status ? eq(outbox.status, opts.status as OutboxRow["status"] & "pending") : undefined)
    .orderBy(desc(outbox.createdAt))
    .limit(opts.limit ?? 100);
}

/** A dead message tried again from the admin (now, with a fresh count of attempts). */
export async function retryOutboxMessage(db: Queryable, id: string): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, "dead")))
    .returning({ id: outbox.id });
  return rows.length > 0;
}
