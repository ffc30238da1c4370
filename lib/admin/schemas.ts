import { z } from "zod";
import type { LimitKey } from "@/db/schema";
import { LIMIT_KEYS } from "@/lib/plans/catalog";
import { reasonSchema } from "@/lib/audit";

/**
 * Inputs of the admin services, shared by the JSON routes and the console's forms. FormData
 * and query strings are strings: numbers are coerced, and an empty field counts as missing.
 */

export { reasonSchema };

const blankAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const flag = z.preprocess((v) => v === "1" || v === "true" || v === "on" || v === true, z.boolean());

export const ORG_SORTS = ["name", "created", "plan"] as const;
export type OrgSort = (typeof ORG_SORTS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;

export const orgListQuerySchema = z.object({
  q: z.preprocess(blankAsUndefined, z.string().trim().max(200, "Keep the search under 200 characters.").optional()),
  plan: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, "Choose a plan from the list.")
      .optional(),
  ),
  status: z.preprocess(
    blankAsUndefined,
    z.enum(["active", "suspended"], { error: "Status is active or suspended." }).optional(),
  ),
  pastDue: flag.default(false),
  overLimit: flag.default(false),
  sort: z.preprocess(blankAsUndefined, z.enum(ORG_SORTS, { error: "Sort by name, created or plan." }).default("name")),
  dir: z.preprocess(blankAsUndefined, z.enum(["asc", "desc"], { error: "Direction is asc or desc." }).optional()),
  page: z.preprocess(
    blankAsUndefined,
    z.coerce.number().int("Page is a whole number.").min(1, "Pages start at 1.").max(100_000).default(1),
  ),
  perPage: z.preprocess(
    blankAsUndefined,
    z.coerce
      .number()
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), "Show 25, 50 or 100 a page.")
      .default(25),
  ),
});
export type OrgListQuery = z.output<typeof orgListQuerySchema>;

const limitKeySchema = z.enum(LIMIT_KEYS as [LimitKey, ...LimitKey[]], {
  error: `Choose one of: ${LIMIT_KEYS.join(", ")}.`,
});

/** A limit value: a whole number of the limit's unit (GB for storage), or null for unlimited. */
export const limitValueSchema = z.preprocess(
  blankAsUndefined,
  z.union(
    [
      z.null(),
      z.coerce
        .number({ error: "Enter a whole number, or choose unlimited." })
        .int("Enter a whole number, or choose unlimited.")
        .min(0, "A limit can't be negative.")
        .max(1_000_000_000_000, "That limit is too large; choose unlimited instead."),
    ],
    { error: "Enter a whole number, or choose unlimited." },
  ),
);

export const setLimitOverrideSchema = z.object({
  key: limitKeySchema,
  value: limitValueSchema,
  reason: reasonSchema,
});
export type SetLimitOverrideInput = z.input<typeof setLimitOverrideSchema>;

export const removeLimitOverrideSchema = z.object({ key: limitKeySchema, reason: reasonSchema });

export const extendTrialSchema = z.object({
  days: z.coerce
    .number({ error: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(1, "Extend by at least 1 day.")
    .max(180, "Extend by at most 180 days at a time."),
  reason: reasonSchema,
});

export const suspendSchema = z.object({ reason: reasonSchema });
export const reactivateSchema = z.object({ reason: reasonSchema });
export const revokeKeySchema = z.object({
  apiKeyId: z.uuid("Choose an API key of this organization."),
  reason: reasonSchema,
});

export const auditQuerySchema = z.object({
  actor: z.preprocess(blankAsUndefined, z.string().trim().max(200).optional()),
  org: z.preprocess(blankAsUndefined, z.string().trim().max(200).optional()),
  action: z.preprocess(blankAsUndefined, z.string().trim().max(100).optional()),
  from: z.preprocess(blankAsUndefined, z.iso.date("From is a date like 2026-01-31.").optional()),
  to: z.preprocess(blankAsUndefined, z.iso.date("To is a date like 2026-01-31.").optional()),
  page: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1, "Pages start at 1.").max(100_000).default(1)),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const WEBHOOK_STATUSES = ["pending", "processed", "failed", "ignored"] as const;
export const webhookQuerySchema = z.object({
  type: z.preprocess(blankAsUndefined, z.string().trim().max(100).optional()),
  status: z.preprocess(
    blankAsUndefined,
    z.enum(WEBHOOK_STATUSES, { error: "Status is pending, processed, failed or ignored." }).optional(),
  ),
  q: z.preprocess(blankAsUndefined, z.string().trim().max(200).optional()),
  page: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1, "Pages start at 1.").max(100_000).default(1)),
});
export type WebhookQuery = z.output<typeof webhookQuerySchema>;
