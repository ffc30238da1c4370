import { getSystemHealth } from "@/lib/admin";
import { withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Detailed health for staff: 200 when ok or degraded (with reasons), 503 when down. */
export const GET = withPlatformAdmin(async (_req, { db }) => {
  const health = await getSystemHealth(db);
  return Response.json(health, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
});
