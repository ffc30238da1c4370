import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { plans, subscriptions } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { memberCount } from "./lock";

/**
 * A confirmation applies only to the state it was previewed against. The preview hands out a
 * token naming the subscription as it priced it (plan, cycle, seats, status, scheduled
 * cancellation, period, members); the confirm sends it back and the change compares it with
 * the row under the organization's billing lock, before anything is asked of Stripe. Another
 * tab, another admin or a webhook that changed the subscription in between makes the confirm
 * refuse, saying what changed, with nothing charged. A retry of the same attempt whose change
 * already went through is answered by the change itself ("unchanged"), before this check.
 *
 * The token is the state itself (base64url JSON), not a secret: a forged token can only pass
 * when it equals the current state, which is what a fresh preview would have handed out.
 */

const stateSchema = z.object({
  v: z.literal(1),
  subscription: z.string().nullable(),
  plan: z.string().nullable(),
  planName: z.string().nullable(),
  status: z.string().nullable(),
  cycle: z.string().nullable(),
  seats: z.number().int().nullable(),
  price: z.string().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  periodEnd: z.string().nullable(),
  trialEnd: z.string().nullable(),
  members: z.number().int(),
});
export type BillingState = z.infer<typeof stateSchema>;

export const previewStateSchema = z
  .string({ error: "Review the price before confirming." })
  .min(1, "Review the price before confirming.")
  .max(4000, "The preview is not valid. Open the change again.")
  .regex(/^[A-Za-z0-9_-]+$/, "The preview is not valid. Open the change again.");

/** The subscription as a preview prices it (read before any price is asked of Stripe). */
export async function readBillingState(db: Queryable, organizationId: string): Promise<BillingState> {
  const [row] = await db
    .select({
      subscription: subscriptions.stripeSubscriptionId,
      plan: subscriptions.planId,
      planName: plans.name,
      status: subscriptions.status,
      cycle: subscriptions.billingCycle,
      seats: subscriptions.seats,
      price: subscriptions.stripePriceId,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      periodEnd: subscriptions.currentPeriodEnd,
      trialEnd: subscriptions.trialEnd,
    })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(eq(subscriptions.organizationId, organizationId))
    .limit(1);
  return {
    v: 1,
    subscription: row?.subscription ?? null,
    plan: row?.plan ?? null,
    planName: row?.planName ?? null,
    status: row?.status ?? null,
    cycle: row?.cycle ?? null,
    seats: row?.seats ?? null,
    price: row?.price ?? null,
    cancelAtPeriodEnd: row?.cancelAtPeriodEnd ?? false,
    periodEnd: row?.periodEnd?.toISOString() ?? null,
    trialEnd: row?.trialEnd?.toISOString() ?? null,
    members: await memberCount(db, organizationId),
  };
}

export function encodeBillingState(state: BillingState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

export function decodeBillingState(token: string): BillingState {
  try {
    return stateSchema.parse(JSON.parse(Buffer.from(previewStateSchema.parse(token), "base64url").toString("utf8")));
  } catch {
    throw new AppError("bad_request", "The preview is not valid. Open the change again.", {
      fieldErrors: { previewState: "The preview is not valid. Open the change again." },
    });
  }
}

const statusText = (s: string | null) => (s ?? "none").replaceAll("_", " ");

/** What changed between two states, in words a customer reads (empty: nothing that matters changed). */
export function describeChanges(before: BillingState, after: BillingState): string[] {
  const out: string[] = [];
  if (before.subscription !== after.subscription)
    out.push(after.subscription ? "a new subscription was started" : "the subscription ended");
  else {
    if (before.plan !== after.plan)
      out.push(`the plan changed from ${before.planName ?? before.plan} to ${after.planName ?? after.plan}`);
    if (before.cycle !== after.cycle) out.push(`billing changed from ${before.cycle} to ${after.cycle}`);
    else if (before.plan === after.plan && before.price !== after.price) out.push("the price changed");
    if (before.cancelAtPeriodEnd !== after.cancelAtPeriodEnd)
      out.push(after.cancelAtPeriodEnd ? "a cancellation was scheduled" : "the scheduled cancellation was undone");
    if (before.status !== after.status)
      out.push(`its status changed from ${statusText(before.status)} to ${statusText(after.status)}`);
    if (before.seats !== after.seats) out.push(`seats changed from ${before.seats} to ${after.seats}`);
    if (before.periodEnd !== after.periodEnd) out.push("a new billing period started");
    if (before.trialEnd !== after.trialEnd) out.push("the trial changed");
  }
  if (before.members !== after.members) out.push(`members changed from ${before.members} to ${after.members}`);
  return out;
}

/**
 * Refuse (409, nothing done) when the subscription is no longer what the preview priced. Call it
 * inside the transaction, after `lockOrganizationBilling`. Without a token (server-side callers
 * such as the admin console, which act on the state they read) there is nothing to compare.
 */
export async function assertStateUnchanged(
  tx: Queryable,
  organizationId: string,
  previewState: string | undefined,
): Promise<void> {
  if (previewState === undefined) return;
  const before = decodeBillingState(previewState);
  const changes = describeChanges(before, await readBillingState(tx, organizationId));
  if (changes.length === 0) return;
  const what = changes.join("; ");
  throw new AppError(
    "conflict",
    `Your subscription changed since this was shown: ${what}. Review the new price and confirm again.`,
    { stale: true, changes, fieldErrors: { previewState: what } },
  );
}
