"use server";

import { AppError } from "@/lib/errors";
import { adminAction } from "@/lib/http/action";
import {
  createEndpoint,
  createEndpointFormSchema,
  deleteEndpoint,
  endpointReasonSchema,
  redeliver,
  rollEndpointSecret,
  rollSecretFormSchema,
  sendTestEvent,
  setEndpointEnabled,
  type AttemptOutcome,
} from "@/lib/outbound-webhooks";
import { z } from "zod";

/** Admin actions of the webhook endpoints pages (each audited by its service). */

const pages = (id?: string) => ["/admin/webhook-endpoints", ...(id ? [`/admin/webhook-endpoints/${id}`] : [])];

function delivered(o: AttemptOutcome): string {
  if (!o.ok)
    throw new AppError(
      "unprocessable",
      `Not delivered: ${o.error ?? "the endpoint failed."} It is retried with backoff.`,
    );
  return `Delivered: the endpoint answered ${o.statusCode} in ${o.durationMs} ms.`;
}

export const createEndpointAction = adminAction(
  {
    schema: createEndpointFormSchema,
    message: "Endpoint added. Copy its signing secret now: it is shown only once.",
    revalidate: () => pages(),
  },
  async (input, { db, actor }) => {
    const { endpoint, secret } = await createEndpoint(db, input, actor);
    return { id: endpoint.id, secret };
  },
);

export const sendTestEventAction = adminAction(
  { message: (m: string) => m, revalidate: (id) => pages(id) },
  async (_input, { db, actor }, id: string) => delivered(await sendTestEvent(db, id, actor)),
);

const redeliverSchema = z.object({ deliveryId: z.uuid("Unknown delivery.") });
export const redeliverAction = adminAction(
  { schema: redeliverSchema, message: (m: string) => m, revalidate: (id) => pages(id) },
  async (input, { db, actor }, id: string) => delivered(await redeliver(db, id, input.deliveryId, actor)),
);

const canceled = (n: number) =>
  n === 0 ? "" : ` ${n} pending ${n === 1 ? "delivery was" : "deliveries were"} canceled (see the log).`;

export const disableEndpointAction = adminAction(
  {
    schema: endpointReasonSchema,
    message: (n: number) => `Endpoint disabled: nothing more is sent to it.${canceled(n)}`,
    revalidate: (id) => pages(id),
  },
  async (input, { db, actor }, id: string) =>
    (await setEndpointEnabled(db, id, false, input, actor)).canceledDeliveries,
);

export const deleteEndpointAction = adminAction(
  {
    schema: endpointReasonSchema,
    message: (n: number) => `Endpoint deleted.${canceled(n)}`,
    revalidate: (id) => pages(id),
    redirectTo: () => "/admin/webhook-endpoints",
  },
  async (input, { db, actor }, id: string) => (await deleteEndpoint(db, id, input, actor)).canceledDeliveries,
);

export type RolledSecretData = { secret: string; previousSecretExpiresAt: string | null };

export const rollSecretAction = adminAction(
  {
    schema: rollSecretFormSchema,
    message: (d: RolledSecretData) =>
      d.previousSecretExpiresAt
        ? `Secret rolled. Copy the new secret now: it is shown only once. Deliveries are signed with both secrets until ${d.previousSecretExpiresAt.slice(0, 16).replace("T", " ")} UTC, then with the new one only.`
        : "Secret rolled. Copy the new secret now: it is shown only once. The old secret no longer signs anything.",
    revalidate: (id) => pages(id),
  },
  async (input, { db, actor }, id: string): Promise<RolledSecretData> => {
    const r = await rollEndpointSecret(db, id, input, actor);
    return { secret: r.secret, previousSecretExpiresAt: r.previousSecretExpiresAt?.toISOString() ?? null };
  },
);

export const enableEndpointAction = adminAction(
  {
    schema: endpointReasonSchema,
    message: "Endpoint enabled: new events are sent to it.",
    revalidate: (id) => pages(id),
  },
  async (input, { db, actor }, id: string) => {
    await setEndpointEnabled(db, id, true, input, actor);
    return null;
  },
);
