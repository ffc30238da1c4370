import { z } from "zod";

/** An address as we store it: trimmed and lower-cased (users.email is unique on that form). */
export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address.").max(254, "Use at most 254 characters."));

/** The secret of an emailed link (lib/orgs/tokens.ts: 43 characters), with room to spare. */
export const tokenSchema = z
  .string({ error: "This link is incomplete." })
  .trim()
  .min(20, "This link is incomplete.")
  .max(200, "This link is not valid.");
