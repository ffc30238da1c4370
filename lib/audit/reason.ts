import { z } from "zod";

/** Every admin write says why: the reason goes into the audit row with the change. */
export const reasonSchema = z
  .string({ error: "Give a reason: it goes into the audit log." })
  .trim()
  .min(3, "Give a reason of at least 3 characters: it goes into the audit log.")
  .max(500, "Keep the reason under 500 characters.");
