import { z } from "zod";
import { readJson, withApiKey } from "@/lib/http/route";
import { ingestUsageEvents } from "@/lib/usage";
import { json } from "@/lib/http/json";

/**
 * POST /api/v1/usage/events — a batch of 1 to 1,000 usage events for the key's organization:
 * `{ "events": [{ "idempotency_key", "metric", "quantity" | "value", "occurred_at" }] }`.
 * Answers `{ accepted, duplicates }`; any bad event: 400 listing each one, nothing written.
 */
export const POST = withApiKey(async (req, { db, caller }) => {
  // The body's shape is checked event by event in the service (one message per bad event).
  const body = await readJson(req, z.unknown(), { maxBytes: 2_000_000 });
  const result = await ingestUsageEvents(db, caller.organization.id, body);
  return json(result);
});
