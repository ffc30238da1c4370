import { readJson, withApiKey } from "@/lib/http/route";
import { checkLimit, limitCheckSchema } from "@/lib/usage";
import { json } from "@/lib/http/json";

/**
 * POST /api/v1/limits/check `{ metric, amount }` — may the key's organization use `amount` more?
 * Answers `{ allowed, limit, used, remaining, reason, overage }` (limit/remaining null = unlimited).
 */
export const POST = withApiKey(async (req, { db, caller }) => {
  const input = await readJson(req, limitCheckSchema, { maxBytes: 10_000 });
  const c = await checkLimit(db, caller.organization.id, input.metric, input.amount);
  return json({
    metric: c.metric,
    allowed: c.allowed,
    limit: c.limit,
    used: c.used,
    remaining: c.remaining,
    overage: c.overage,
    reason: c.reason,
  });
});
