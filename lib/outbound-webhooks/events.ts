import { randomBytes } from "node:crypto";
import { webhookEvents } from "@/db/schema";
import type { Queryable } from "@/db/types";

/** What the agent platform can subscribe to (an endpoint lists some, or "*"). */
export const PLATFORM_EVENT_TYPES = [
  "usage.threshold_crossed",
  "limit.reached",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "invoice.paid",
  "invoice.payment_failed",
  "organization.suspended",
  "organization.reactivated",
] as const;
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];
/** Sent only by the test button. */
export const TEST_EVENT_TYPE = "endpoint.test";

export function newEventId(): string {
  return `evt_${randomBytes(12).toString("hex")}`;
}

/**
 * Record an event for the platform in the caller's transaction (so it exists exactly when the
 * change does). The delivery worker fans it out to the endpoints that want it, after commit.
 */
export async function recordPlatformEvent(
  db: Queryable,
  input: { type: PlatformEventType; organizationId: string | null; data: Record<string, unknown>; at?: Date },
): Promise<string> {
  const id = newEventId();
  await db.insert(webhookEvents).values({
    id,
    type: input.type,
    organizationId: input.organizationId,
    data: input.data,
    createdAt: input.at ?? new Date(),
  });
  return id;
}
