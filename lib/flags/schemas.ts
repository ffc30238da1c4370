import { z } from "zod";
import { reasonSchema } from "@/lib/audit";

/**
 * Inputs of the flag service, shared by the route handlers (JSON) and the admin forms
 * (FormData, all strings: hence the coercions and the checkbox handling).
 */

const checkbox = z.preprocess(
  (v) =>
    v === "on" || v === "true" || v === true
      ? true
      : v === "off" || v === "false" || v === false || v === undefined || v === null || v === ""
        ? false
        : v,
  z.boolean({ error: "must be true or false" }),
);

export const flagKeySchema = z
  .string({ error: "Enter a key." })
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,62}$/,
    "Use 2–63 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.",
  );

const rolloutSchema = z.coerce
  .number({ error: "Enter the rollout as a whole number from 0 to 100." })
  .int("Enter the rollout as a whole number from 0 to 100.")
  .min(0, "The rollout can't be below 0%.")
  .max(100, "The rollout can't be above 100%.");

export const createFlagSchema = z.object({
  key: flagKeySchema,
  description: z.string().trim().max(500, "Keep the description under 500 characters.").default(""),
  defaultEnabled: checkbox.default(false),
  rolloutPercent: rolloutSchema.default(0),
  reason: reasonSchema,
});
export type CreateFlagInput = z.input<typeof createFlagSchema>;

export const updateFlagSchema = z.object({
  description: z.string().trim().max(500, "Keep the description under 500 characters.").optional(),
  defaultEnabled: checkbox.optional(),
  rolloutPercent: rolloutSchema.optional(),
  reason: reasonSchema,
});
export type UpdateFlagInput = z.input<typeof updateFlagSchema>;

export const deleteFlagSchema = z.object({ reason: reasonSchema });

/** The organization is named by its slug or id (the console has the slug, scripts often the id). */
export const flagOverrideSchema = z.object({
  organization: z
    .string({ error: "Name the organization by slug or id." })
    .trim()
    .min(1, "Name the organization by slug or id."),
  enabled: z.preprocess(
    (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : v),
    z.boolean({ error: "Choose on or off." }),
  ),
  reason: reasonSchema,
});

export const removeFlagOverrideSchema = z.object({
  organization: z
    .string({ error: "Name the organization by slug or id." })
    .trim()
    .min(1, "Name the organization by slug or id."),
  reason: reasonSchema,
});
