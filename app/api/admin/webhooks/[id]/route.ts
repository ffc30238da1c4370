import { z } from "zod";
import { getWebhookEventOrThrow } from "@/lib/admin";
import { stripeEventIdParam } from "@/lib/input";
import { withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";
/** The path names a Stripe event: an id no event could have is 404 (lib/input/ids.ts). */
const params = z.object({ id: stripeEventIdParam() });

/** GET /api/admin/webhooks/:id — the event with its payload. */
export const GET = withPlatformAdmin<{ id: string }>(
  async (_req, { db, params }) => Response.json(await getWebhookEventOrThrow(db, params.id)),
  { params },
);
