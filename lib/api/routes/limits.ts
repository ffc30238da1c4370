import { checkLimit, limitCheckSchema } from "@/lib/usage/limits";
import { defineRoute } from "../define";
import { limitCheckResultSchema } from "./schemas";

export const limitCheckRoute = defineRoute({
  method: "post",
  path: "/api/v1/limits/check",
  operationId: "checkLimit",
  tag: "Limits",
  summary: "May the organization use `amount` more of a metric?",
  description:
    "Counts recorded usage and what active reservations hold (`reserved`). Unlimited always allows; a limit with an overage price allows and reports the overage. This only answers; to hold the amount for a run, create a reservation.",
  auth: "api_key",
  body: limitCheckSchema,
  response: limitCheckResultSchema,
  async handler({ db, caller, body }) {
    const c = await checkLimit(db, caller.organization.id, body.metric, body.amount);
    return {
      metric: c.metric,
      allowed: c.allowed,
      limit: c.limit,
      used: c.used,
      reserved: c.reserved,
      remaining: c.remaining,
      overage: c.overage,
      reason: c.reason,
    };
  },
});
