import { userActor } from "@/lib/audit";
import { readJson, withPlatformAdmin } from "@/lib/http/route";
import { uuidParam } from "@/lib/input";
import {
  deleteEndpoint,
  deleteEndpointSchema,
  endpointJson,
  getEndpointOrThrow,
  listDeliveries,
  setEndpointEnabled,
  updateEndpointSchema,
} from "@/lib/outbound-webhooks";
import { z } from "zod";

export const dynamic = "force-dynamic";
type P = { id: string };
const params = z.object({ id: uuidParam("webhook endpoint") });

/** The endpoint (deleted ones too) and its latest 50 deliveries. */
export const GET = withPlatformAdmin<P>(
  async (_req, { db, params }) => {
    const endpoint = await getEndpointOrThrow(db, params.id);
    return Response.json({ endpoint: endpointJson(endpoint), deliveries: await listDeliveries(db, endpoint.id) });
  },
  { params },
);

/** PATCH { enabled, reason }: disabling cancels the endpoint's pending deliveries. */
export const PATCH = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, updateEndpointSchema);
    const { canceledDeliveries, ...endpoint } = await setEndpointEnabled(
      db,
      params.id,
      body.enabled,
      body,
      userActor(user),
    );
    return Response.json({ endpoint: endpointJson(endpoint), canceledDeliveries });
  },
  { params },
);

/** DELETE { reason }: for good; pending deliveries canceled, secrets erased, the log kept. */
export const DELETE = withPlatformAdmin<P>(
  async (req, { db, params, user }) => {
    const body = await readJson(req, deleteEndpointSchema);
    const { endpoint, canceledDeliveries } = await deleteEndpoint(db, params.id, body, userActor(user));
    return Response.json({ endpoint: endpointJson(endpoint), canceledDeliveries });
  },
  { params },
);
