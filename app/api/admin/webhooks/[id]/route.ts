import { getWebhookEventOrThrow } from "@/lib/admin";
import { withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/webhooks/:id — the event with its payload. */
export const GET = withPlatformAdmin<{ id: string }>(async (_req, { db, params }) =>
  Response.json(await getWebhookEventOrThrow(db, params.id)),
);
