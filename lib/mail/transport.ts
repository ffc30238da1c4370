import "server-only";
import nodemailer from "nodemailer";
import { devMailbox } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import type { RenderedMail } from "./message";

export type OutgoingMail = RenderedMail & { to: string[]; from: string };

/**
 * Where messages go: SMTP (SMTP_URL), the development mailbox, or nowhere (production without
 * SMTP). `send` may get the transaction that claimed the message (`via`): a transport
 * that writes to the database (the development mailbox) must write through it, because embedded
 * PGlite has one connection and a query outside the open transaction would wait for it forever.
 */
export type MailTransport = {
  name: string;
  send: (mail: OutgoingMail, via?: Queryable) => Promise<{ messageId: string | null }>;
};

/** nodemailer over an SMTP URL (smtp://user:pass@host:port, smtps:// for TLS from the start). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {});
  // Bounded: the worker holds the outbox row's lock while it talks to the server.
  Object.assign(transporter.options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    name: "smtp",
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      return { messageId: info.messageId ?? null };
    },
  };
}

/** Development without SMTP_URL: kept in the database and shown at /dev/mail. */
export function devMailboxTransport(db: Queryable): MailTransport {
  return {
    name: "dev-mailbox",
    async send(mail, via) {
      const [row] = await (via ?? db)
        .insert(devMailbox)
        .values({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html })
        .returning({ id: devMailbox.id });
      return { messageId: row?.id ?? null };
    },
  };
}

const g = globalThis as unknown as { __smtp?: { url: string; transport: MailTransport } };

/** The app's transport, from the environment. */
export function appMailTransport(db: Queryable): MailTransport {
  const e = env();
  if (e.smtpUrl) {
    if (g.__smtp?.url !== e.smtpUrl) g.__smtp = { url: e.smtpUrl, transport: smtpTransport(e.smtpUrl) };
    return g.__smtp.transport;
  }
  if (e.nodeEnv !== "production") return devMailboxTransport(db);
  return {
    name: "none",
    send: () => Promise.reject(new Error("SMTP_URL is not set: production has no way to send mail. Set SMTP_URL.")),
  };
}

/** Absolute links in messages. */
export function appUrl(): string {
  const e = env();
  return (e.appUrl ?? `http://localhost:${e.port ?? 3000}`).replace(/\/$/, "");
}
