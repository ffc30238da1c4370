import { z } from "zod";
import { METRICS } from "@/lib/plans/limits";

/** Response shapes shared by the platform API's routes (documented in the OpenAPI document). */

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Machine-readable: bad_request, unauthenticated, suspended, …" }),
      message: z.string().meta({ description: "What went wrong and what to do, for a person." }),
      issues: z.array(z.unknown()).optional(),
    }),
  })
  .meta({ id: "Error" });

export const metricSchema = z.enum(METRICS).meta({ id: "Metric" });

export const limitCheckResultSchema = z
  .object({
    metric: metricSchema,
    allowed: z.boolean(),
    limit: z.number().int().nullable().meta({ description: "null: unlimited" }),
    used: z.number().int().meta({ description: "Recorded usage (this usage period for executions)." }),
    reserved: z.number().int().meta({ description: "Held by active reservations; counted against the limit." }),
    remaining: z.number().int().nullable().meta({ description: "null: unlimited" }),
    overage: z.number().int().meta({ description: "Units beyond the limit billed as overage." }),
    reason: z.string(),
  })
  .meta({ id: "LimitCheckResult" });
