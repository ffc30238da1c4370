import { listWebhookEvents, webhookQuerySchema } from "@/lib/admin";
import { readQuery, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/webhooks?type=&status=&q=&page= (replay: POST ./[id]/replay and ./replay-failed). */
export const GET = withPlatformAdmin(async (req, { db }) =>
  Response.json(await listWebhookEvents(db, readQuery(req, webhookQuerySchema))),
);
