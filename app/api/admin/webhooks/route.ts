import { listWebhookEvents, webhookQuerySchema } from "@/lib/admin";
import { readQuery, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/admin/webhooks?type=&status=&q=&page= (read-only for now). */
export const GET = withPlatformAdmin(async (req, { db }) => Response.json(await listWebhookEvents(db, readQuery(req, webhookQuerySchema))));
