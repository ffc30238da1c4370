import type { WebhookDeliveryStatus } from "@/db/schema";
import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "@/db/schema";
import type { Db, Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { deliverNow, requeueDelivery, type AttemptOutcome, type DeliveryOptions } from "./delivery";
import { newEventId, PLATFORM_EVENT_TYPES, TEST_EVENT_TYPE } from "./events";
import { newEndpointSecret, sealSecret } from "./signing";
import { ENDPOINT_VIEW, type EndpointView } from "./view";
import { assertDeliverableUrl } from "./targets";

/** Platform admins' endpoints: register (the secret is shown once), list, test, redeliver (lifecycle.ts: disable, delete, roll). */

const reason = z
  .string({ error: "Say why (for the audit log)." })
  .trim()
  .min(3, "Say why (at least 3 characters).")
  .max(500);
const eventList = z
  .array(
    z.enum(["*", ...PLATFORM_EVENT_TYPES], {
      message: `Events are "*" or some of: ${PLATFORM_EVENT_TYPES.join(", ")}.`,
    }),
  )
  .min(1, "Choose at least one event.")
  .max(PLATFORM_EVENT_TYPES.length + 1)
  .transform((list) => (list.includes("*") ? ["*"] : [...new Set(list)].sort()));

/** The JSON API's body (strict). */
export const createEndpointSchema = z.strictObject({
  url: z.string({ error: "Enter the endpoint's URL." }).trim().min(1, "Enter the endpoint's URL.").max(2000),
  description: z.string().trim().max(200, "Use at most 200 characters.").optional().default(""),
  events: eventList,
  reason,
});
/** The form's fields (FormData: strings; the event checkboxes arrive as one string or several). */
export const createEndpointFormSchema = z.object({
  url: createEndpointSchema.shape.url,
  description: z.string().trim().max(200, "Use at most 200 characters.").optional().default(""),
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? ["*"] : Array.isArray(v) ? v : [v]))
    .pipe(eventList),
  reason,
});
export const endpointReasonSchema = z.object({ reason });
export type { EndpointView };

export async function listEndpoints(db: Queryable): Promise<EndpointView[]> {
  return db.select(ENDPOINT_VIEW).from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
}

export async function getEndpointOrThrow(db: Queryable, id: string): Promise<EndpointView> {
  if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such webhook endpoint.");
  const [row] = await db.select(ENDPOINT_VIEW).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw new AppError("not_found", "No such webhook endpoint.");
  return row;
}

/** Register an endpoint. The answer holds the signing secret: the only time it is shown. */
export async function createEndpoint(
  db: Queryable,
  input: z.output<typeof createEndpointSchema>,
  actor: Actor,
): Promise<{ endpoint: EndpointView; secret: string }> {
  await assertDeliverableUrl(input.url, { allowPrivate: env().outboundWebhooksAllowPrivate });
  const secret = newEndpointSecret();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .insert(webhookEndpoints)
      .values({
        url: input.url,
        description: input.description,
        events: input.events,
        secretCiphertext: sealSecret(secret, env().authSecret),
        secretPrefix: `${secret.slice(0, 12)}…`,
      })
      .returning(ENDPOINT_VIEW);
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.created",
      targetType: "webhook_endpoint",
      targetId: endpoint!.id,
      details: { url: input.url, events: input.events, reason: input.reason },
    });
    return { endpoint: endpoint!, secret };
  });
}

export type DeliveryRow = {
  id: string;
  eventId: string;
  type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  canceledReason: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  createdAt: Date;
};

export async function listDeliveries(db: Queryable, endpointId: string, limit = 50): Promise<DeliveryRow[]> {
  return db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      type: webhookEvents.type,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      canceledReason: webhookDeliveries.canceledReason,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}

function assertSendable(endpoint: EndpointView): void {
  if (endpoint.deletedAt) throw new AppError("conflict", "This endpoint was deleted: nothing is sent to it.");
  if (endpoint.disabledAt) throw new AppError("conflict", "This endpoint is disabled. Enable it first.");
}

/** Send an `endpoint.test` event to this endpoint now; the attempt is in its delivery log. */
export async function sendTestEvent(
  db: Db,
  endpointId: string,
  actor: Actor,
  opts: DeliveryOptions = {},
): Promise<AttemptOutcome> {
  assertSendable(await getEndpointOrThrow(db, endpointId));
  const deliveryId = await db.transaction(async (tx) => {
    const id = newEventId();
    await tx.insert(webhookEvents).values({
      id,
      type: TEST_EVENT_TYPE,
      organizationId: null,
      data: { message: "A test event sent from the AgentBill admin.", endpointId },
      fannedOutAt: new Date(),
    });
    // Tried now below; the worker retries it like any other delivery if it fails.
    const [d] = await tx
      .insert(webhookDeliveries)
      .values({ eventId: id, endpointId, nextAttemptAt: new Date(Date.now() + 60_000) })
      .returning({ id: webhookDeliveries.id });
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.test_sent",
      targetType: "webhook_endpoint",
      targetId: endpointId,
      details: { eventId: id },
    });
    return d!.id;
  });
  return deliverNow(db, deliveryId, opts);
}

/** Manual redelivery: the same event (same id) is attempted again now. */
export async function redeliver(
  db: Db,
  endpointId: string,
  deliveryId: string,
  actor: Actor,
  opts: DeliveryOptions = {},
): Promise<AttemptOutcome> {
  if (!z.uuid().safeParse(deliveryId).success) throw new AppError("not_found", "No such delivery.");
  assertSendable(await getEndpointOrThrow(db, endpointId));
  const ok = await db.transaction(async (tx) => {
    if (!(await requeueDelivery(tx, deliveryId, endpointId))) return false;
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.redelivered",
      targetType: "webhook_delivery",
      targetId: deliveryId,
      details: { endpointId },
    });
    return true;
  });
  if (!ok) throw new AppError("not_found", "No such delivery for this endpoint.");
  return deliverNow(db, deliveryId, opts);
}

/** Endpoints still enabled (for the health of the worker and the admin overview). */
export async function enabledEndpointCount(db: Queryable): Promise<number> {
  return (
    await db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(isNull(webhookEndpoints.disabledAt), isNull(webhookEndpoints.deletedAt)))
  ).length;
}
