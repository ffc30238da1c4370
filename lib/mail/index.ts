/** Email: templates (React, with a plain-text part), the outbox worker and its transports. */
export {
  enqueueMail,
  drainOutbox,
  listOutbox,
  retryOutboxMessage,
  mailBackoffMs,
  MAIL_JOB,
  MAX_MAIL_ATTEMPTS,
} from "./outbox";
export type { DrainResult, OutboxRow } from "./outbox";
export { appMailTransport, smtpTransport, devMailboxTransport, appUrl, type MailTransport } from "./transport";
export { TEMPLATES, isMailKind, type MailKind } from "./templates";
