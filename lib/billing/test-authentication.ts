import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import type { Actor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Stripe } from "@/lib/stripe/client";
import { stripeCall } from "@/lib/stripe/errors";
import { finalizeSetupIntent, type AttachResult } from "./payment-methods";

/**
 * The bank's 3-D Secure check in test mode. With Stripe's test cards in the local emulator there
 * is no bank page: the customer's answer (complete or fail the check) is given to the emulator
 * (its `/_emulator/setup_intents/:id/authenticate`, standing in for Stripe.js), then the
 * SetupIntent is finalized as after the Payment Element. With a real Stripe key, Stripe.js shows
 * the bank's page in the browser and this is refused.
 */

export const testAuthenticationSchema = z.object({
  setupIntentId: z
    .string({ error: "The card setup is not valid. Try again." })
    .regex(/^seti_[A-Za-z0-9_]+$/, "The card setup is not valid. Try again.")
    .max(255),
  outcome: z.enum(["succeed", "fail"], { error: "Choose to complete or fail the check." }),
});

export async function completeTestAuthentication(
  db: Queryable,
  stripe: Stripe,
  input: { organizationId: string; actor: Actor } & z.input<typeof testAuthenticationSchema>,
): Promise<AttachResult> {
  const { setupIntentId, outcome } = testAuthenticationSchema.parse(input);
  if (!env().useStripeEmulator)
    throw new AppError(
      "unprocessable",
      "Your bank's check opens in Stripe's own window. Reload the page and save the card again.",
    );
  const [org] = await db
    .select({ customer: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  const intent = await stripeCall(() => stripe.setupIntents.retrieve(setupIntentId));
  const customer = typeof intent.customer === "string" ? intent.customer : (intent.customer?.id ?? null);
  if (!org?.customer || customer !== org.customer)
    throw new AppError("not_found", "No such card setup for this organization.");
  if (intent.status === "requires_action") {
    await stripeCall(() =>
      stripe.rawRequest("POST", `/_emulator/setup_intents/${encodeURIComponent(setupIntentId)}/authenticate`, {
        outcome,
      }),
    );
  }
  // Already answered (a second click, another tab): the intent's state decides, as on Stripe.
  return finalizeSetupIntent(db, stripe, {
    organizationId: input.organizationId,
    setupIntentId,
    actor: input.actor,
  });
}
