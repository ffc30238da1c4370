import { z } from "zod";
import { AppError } from "@/lib/errors";
import { METRICS } from "@/lib/plans/limits";
import { utcDay } from "@/lib/plans/period";
import { getDailySeries, usageQuerySchema } from "@/lib/usage/series";
import { getUsageOverview } from "@/lib/usage/summary";
import { INGEST_METRICS } from "@/lib/usage/validate";
import { defineRoute } from "../define";

const usageResponse = z
  .object({
    organization: z.object({ slug: z.string(), name: z.string() }),
    plan: z.object({ id: z.string(), name: z.string() }),
    period: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
    metrics: z.array(
      z.object({
        metric: z.enum(METRICS),
        used: z.number().int(),
        peak: z.number().int(),
        limit: z.number().int().nullable(),
        percent: z.number().nullable(),
        remaining: z.number().int().nullable(),
        reserved: z.number().int(),
      }),
    ),
    daily: z.object({
      from: z.iso.date(),
      to: z.iso.date(),
      points: z.array(
        z.object({ day: z.iso.date(), ...Object.fromEntries(INGEST_METRICS.map((m) => [m, z.number().int()])) }),
      ),
    }),
  })
  .meta({ id: "Usage" });

export const usageRoute = defineRoute({
  method: "get",
  path: "/api/v1/usage",
  operationId: "getUsage",
  tag: "Usage",
  summary: "Usage this period per metric, and one point per UTC day",
  description:
    "Usage this period per metric against the limit in force, and one point per UTC day in [from, to] (default: this period; at most 366 days).",
  auth: "api_key",
  query: usageQuerySchema,
  response: usageResponse,
  async handler({ db, caller, query }) {
    const now = new Date();
    const overview = await getUsageOverview(db, caller.organization.id, now);
    const from = query.from ?? utcDay(overview.usagePeriod.start);
    const to = query.to ?? utcDay(now);
    if (from > to) throw new AppError("bad_request", "from must not be after to.");
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000)
      throw new AppError("bad_request", "Ask for at most 366 days at a time.");
    const daily = await getDailySeries(db, caller.organization.id, { from, to });
    return {
      organization: { slug: caller.organization.slug, name: caller.organization.name },
      plan: { id: overview.plan.id, name: overview.plan.name },
      period: { start: overview.usagePeriod.start.toISOString(), end: overview.usagePeriod.end.toISOString() },
      metrics: overview.metrics,
      daily: { from, to, points: daily },
    };
  },
});
