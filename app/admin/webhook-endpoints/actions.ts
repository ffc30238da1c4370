"use server";

import { AppError } from "@/lib/errors";
import { adminAction } from "@/lib/http/action";
import {
  createEndpoint,
  createEndpointFormSchema,
  endpointReasonSchema,
  redeliver,
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

export const disableEndpointAction = adminAction(
  {
    schema: endpointReasonSchema,
    message: "Endpoint disabled: nothing more is sent to it.",
    revalidate: (id) => pages(id),
  },
  async (input, { db, actor }, id: string) => {
    await setEndpointEnabled(db, id, false, input, actor);
    return null;
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
