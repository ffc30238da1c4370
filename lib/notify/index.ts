import "server-only";
import type { Queryable } from "@/db/types";
import { enqueueMail } from "@/lib/mail";
import { recordPlatformEvent, type PlatformEventType } from "@/lib/outbound-webhooks/events";

/**
 * One call where something people should hear about happens: the email (outbox) and the
 * platform's webhook event are written in the caller's transaction, and delivered after commit
 * by their workers (lib/mail, lib/outbound-webhooks). Producers call `notify(tx, kind, …)` once.
 */
export type NoticeKind =
  | "invoice_paid"
  | "payment_failed"
  | "trial_will_end"
  | "subscription_renewing"
  | "organization_suspended"
  | "organization_reactivated";

/** The platform event each notice also raises (none: email only). */
const EVENT_OF: Record<NoticeKind, PlatformEventType | null> = {
  invoice_paid: "invoice.paid",
  payment_failed: "invoice.payment_failed",
  trial_will_end: null,
  subscription_renewing: null,
  organization_suspended: "organization.suspended",
  organization_reactivated: "organization.reactivated",
};

export async function notify(
  tx: Queryable,
  kind: NoticeKind,
  organizationId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await enqueueMail(tx, { kind, organizationId, payload });
  const type = EVENT_OF[kind];
  if (type) await recordPlatformEvent(tx, { type, organizationId, data: { organizationId, ...payload } });
}

/** A platform event without an email (subscription changes). */
export async function notifyPlatform(
  tx: Queryable,
  type: PlatformEventType,
  organizationId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await recordPlatformEvent(tx, { type, organizationId, data: { organizationId, ...data } });
}
