"use server";

import { z } from "zod";
import type { CardResult, PlanChangePreview } from "@/components/billing/types";
import {
  attachCardSchema,
  attachPaymentMethod,
  completeTestAuthentication,
  testAuthenticationSchema,
  changePlan,
  createSetupIntent,
  finalizeSetupIntent,
  planChangeSchema,
  previewStateSchema,
  type PlanChange,
  previewPlanChange,
  resumeSubscription,
  assertSelfServicePlanChange,
} from "@/lib/billing";
import { assertEmailVerified } from "@/lib/accounts";
import { orgAction } from "@/lib/http/action";
import { createEnterpriseRequest, enterpriseRequestSchema } from "@/lib/orgs";

/** Plan page actions: owners and admins of the organization (checked here, whatever the UI showed). */

// The dashboard, plan and invoice pages all show the subscription.
const billingPages = (slug: string) => [{ layout: `/orgs/${slug}/billing` }];

function planChangeMessage(r: { unchanged: boolean }, input: PlanChange): string {
  if (input.planId === "free")
    return r.unchanged
      ? "Your cancellation was already scheduled: you keep your plan until the end of the period."
      : "Cancellation scheduled: you keep your plan until the end of the period, then move to Free. Nothing is deleted.";
  if (r.unchanged) return "Nothing to change: you're already on this plan.";
  return `Done: you're on the new plan, billed ${input.cycle === "annual" ? "annually" : "monthly"}. Stripe confirms the payment in a moment.`;
}

/** What a plan change would charge and change (Stripe's own proration), before confirming. */
export const previewPlanChangeAction = orgAction(
  { role: "admin", schema: planChangeSchema },
  async (input, { db, stripe, organization }): Promise<PlanChangePreview> => {
    await assertSelfServicePlanChange(db, organization.id);
    const p = await previewPlanChange(db, stripe, { ...input, organizationId: organization.id });
    return {
      planId: p.planId,
      planName: p.planName,
      cycle: p.cycle,
      seats: p.seats,
      currency: p.currency,
      dueNowCents: p.dueNowCents,
      recurringCents: p.recurringCents,
      lines: p.lines,
      limits: p.limits,
      fits: p.fits,
      problems: p.problems.map((x) => ({ metric: x.metric, message: x.message })),
      overAfter: p.overAfter.map((x) => ({ metric: x.metric, text: x.text })),
      effectiveAt: p.effectiveAt?.toISOString() ?? null,
      amounts: p.amounts,
      stateToken: p.stateToken,
      undoesCancellation: p.undoesCancellation,
    };
  },
);

/** The dialog confirms what it showed: the preview's state is required (lib/billing/previewed-state.ts). */
const confirmPlanChangeSchema = planChangeSchema.extend({ previewState: previewStateSchema });

/**
 * Move to a plan and cycle: subscribe, upgrade, switch cycle, or (to Free) cancel at period end
 * with an optional reason. `attemptId` names the dialog's attempt (see lib/billing/attempt.ts);
 * `previewState` the state its preview priced: if the subscription changed since, nothing is
 * done and the answer says what changed (`fieldErrors.previewState`: the dialog previews again).
 */
export const changePlanAction = orgAction(
  {
    role: "admin",
    schema: confirmPlanChangeSchema,
    revalidate: billingPages,
    message: planChangeMessage,
  },
  async (input, { db, stripe, organization, actor, user }) => {
    await assertSelfServicePlanChange(db, organization.id);
    // A paid plan needs a confirmed email address (sign-up sends the link); Free needs nothing.
    if (input.planId !== "free") await assertEmailVerified(db, user.id);
    const r = await changePlan(db, stripe, { ...input, organizationId: organization.id, actor });
    return { unchanged: r.unchanged };
  },
);

/**
 * Undo a scheduled cancellation. Call it directly (`await resumeSubscriptionAction(slug)`), or
 * bind the slug and use it as a form action. Answers `{ ok: true, data: { unchanged }, message }`
 * or `{ ok: false, error }`.
 */
export const resumeSubscriptionAction = orgAction(
  {
    role: "admin",
    revalidate: billingPages,
    message: "Your subscription continues: it renews at the end of the period as usual.",
  },
  async (_input, { db, stripe, organization, actor }) => {
    const r = await resumeSubscription(db, stripe, { organizationId: organization.id, actor });
    return { unchanged: r.unchanged };
  },
);

function cardResult(r: Awaited<ReturnType<typeof attachPaymentMethod>>): CardResult {
  if (r.status === "requires_action")
    return { status: "requires_action", setupIntentId: r.setupIntentId, clientSecret: r.clientSecret };
  return {
    status: "succeeded",
    card: { brand: r.card.brand, last4: r.card.last4, expMonth: r.card.expMonth, expYear: r.card.expYear },
    retried: r.retried,
  };
}

function cardMessage(r: CardResult): string {
  if (r.status !== "succeeded") return "Your bank needs you to authenticate this card. It was not saved yet.";
  if (r.retried.stillOpen > 0)
    return "Card saved, but the overdue invoice could not be charged to it. Try another card, or contact your bank.";
  if (r.retried.paid > 0) return "Card saved and the overdue invoice is paid: your subscription is active again.";
  return "Card saved. It's used for your subscription from now on.";
}

/** Save a card (a Stripe payment method id: the test-card picker) as the organization's default. */
export const attachCardAction = orgAction(
  { role: "admin", schema: attachCardSchema, revalidate: billingPages, message: cardMessage },
  async ({ paymentMethod }, { db, stripe, organization, actor }) =>
    cardResult(await attachPaymentMethod(db, stripe, { organizationId: organization.id, paymentMethod, actor })),
);

/** A SetupIntent for Stripe's Payment Element (only with a publishable key). */
export const createSetupIntentAction = orgAction({ role: "admin" }, async (_input, { db, stripe, organization }) =>
  createSetupIntent(db, stripe, organization.id),
);

const finalizeSchema = z.object({
  setupIntentId: z
    .string({ error: "The card setup is not valid. Try again." })
    .regex(/^seti_[A-Za-z0-9_]+$/, "The card setup is not valid. Try again.")
    .max(255),
});

/** After the Payment Element confirmed the SetupIntent in the browser: make its card the default. */
export const finalizeSetupIntentAction = orgAction(
  { role: "admin", schema: finalizeSchema, revalidate: billingPages, message: cardMessage },
  async ({ setupIntentId }, { db, stripe, organization, actor }) =>
    cardResult(await finalizeSetupIntent(db, stripe, { organizationId: organization.id, setupIntentId, actor })),
);

/**
 * Test mode: the customer answers the bank's 3-D Secure check of a test card (complete or fail);
 * the card is then saved, or the refusal says why.
 */
export const completeTestAuthenticationAction = orgAction(
  { role: "admin", schema: testAuthenticationSchema, revalidate: billingPages, message: cardMessage },
  async (input, { db, stripe, organization, actor }) =>
    cardResult(await completeTestAuthentication(db, stripe, { ...input, organizationId: organization.id, actor })),
);

/** "Contact us" for Enterprise: records the request (and an audit row) for platform admins. */
export const requestEnterpriseAction = orgAction(
  {
    role: "admin",
    schema: enterpriseRequestSchema,
    revalidate: (slug) => [`/orgs/${slug}/billing/plan`],
    message: "Thanks: we've got your request and will reply by email within one business day.",
  },
  async (request, { db, organization, actor }) => {
    const row = await createEnterpriseRequest(db, { organizationId: organization.id, actor, request });
    return { id: row.id };
  },
);
