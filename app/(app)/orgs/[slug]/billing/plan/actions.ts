"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { CardResult, PlanChangePreview } from "@/components/billing/types";
import { getDb } from "@/db/client";
import { userActor } from "@/lib/audit";
import { requireOrgRole } from "@/lib/auth/session";
import {
  attachCardSchema,
  attachPaymentMethod,
  changePlan,
  createSetupIntent,
  finalizeSetupIntent,
  planChangeSchema,
  previewPlanChange,
  resumeSubscription,
} from "@/lib/billing";
import { runAction, type ActionResult } from "@/lib/http/action";
import { createEnterpriseRequest, enterpriseRequestSchema } from "@/lib/orgs/enterprise-requests";
import { getStripe } from "@/lib/stripe/client";

/**
 * Plan page actions. Each: owner or admin of this organization (checked here, whatever the UI
 * showed) → parse the form with zod → one service call → revalidate the billing pages.
 */

function revalidateBilling(slug: string) {
  // The dashboard, plan and invoice pages all show the subscription.
  revalidatePath(`/orgs/${slug}/billing`, "layout");
}

const cycleName = (c: "monthly" | "annual") => (c === "annual" ? "annually" : "monthly");

/** What a plan change would charge and change (Stripe's own proration), before confirming. */
export async function previewPlanChangeAction(
  slug: string,
  formData: FormData,
): Promise<ActionResult<PlanChangePreview>> {
  return runAction(async () => {
    const { organization } = await requireOrgRole(slug, "admin");
    const input = planChangeSchema.parse({ planId: formData.get("planId"), cycle: formData.get("cycle") });
    const p = await previewPlanChange(await getDb(), getStripe(), { ...input, organizationId: organization.id });
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
      effectiveAt: p.effectiveAt?.toISOString() ?? null,
      amounts: p.amounts,
    };
  });
}

/** Move to a plan and cycle: subscribe, upgrade, switch cycle, or (to Free) cancel at period end. */
export async function changePlanAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ unchanged: boolean }>> {
  let message = "";
  const result = await runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const input = planChangeSchema.parse({ planId: formData.get("planId"), cycle: formData.get("cycle") });
    const r = await changePlan(
      { db: await getDb(), stripe: getStripe() },
      { ...input, organizationId: organization.id, actor: userActor(user) },
    );
    revalidateBilling(slug);
    message =
      input.planId === "free"
        ? "Cancellation scheduled: you keep your plan until the end of the period, then move to Free."
        : r.unchanged
          ? "Nothing to change: you're already on this plan."
          : `Done: you're on the new plan, billed ${cycleName(input.cycle)}. Stripe confirms the payment in a moment.`;
    return { unchanged: r.unchanged };
  });
  return result.ok ? { ...result, message } : result;
}

/**
 * Undo a scheduled cancellation. Call it directly (`await resumeSubscriptionAction(slug)`), or
 * bind the slug and use it as a form action (`useActionState(resumeSubscriptionAction.bind(null, slug), null)`:
 * extra arguments are ignored). Owners and admins only; revalidates every billing page.
 * Answers `{ ok: true, data: { unchanged }, message }` or `{ ok: false, error }`.
 */
export async function resumeSubscriptionAction(slug: string): Promise<ActionResult<{ unchanged: boolean }>> {
  return runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const r = await resumeSubscription(
      { db: await getDb(), stripe: getStripe() },
      { organizationId: organization.id, actor: userActor(user) },
    );
    revalidateBilling(slug);
    return { unchanged: r.unchanged };
  }, "Your subscription continues: it renews at the end of the period as usual.");
}

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
export async function attachCardAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<CardResult>> {
  let message = "";
  const result = await runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const { paymentMethod } = attachCardSchema.parse({ paymentMethod: formData.get("paymentMethod") ?? "" });
    const r = cardResult(
      await attachPaymentMethod(await getDb(), getStripe(), {
        organizationId: organization.id,
        paymentMethod,
        actor: userActor(user),
      }),
    );
    revalidateBilling(slug);
    message = cardMessage(r);
    return r;
  });
  return result.ok ? { ...result, message } : result;
}

/** A SetupIntent for Stripe's Payment Element (only with a publishable key). */
export async function createSetupIntentAction(slug: string): Promise<ActionResult<{ clientSecret: string }>> {
  return runAction(async () => {
    const { organization } = await requireOrgRole(slug, "admin");
    return createSetupIntent(await getDb(), getStripe(), organization.id);
  });
}

const finalizeSchema = z.object({
  setupIntentId: z
    .string()
    .regex(/^seti_[A-Za-z0-9_]+$/, "The card setup is not valid. Try again.")
    .max(255),
});

/** After the Payment Element confirmed the SetupIntent in the browser: make its card the default. */
export async function finalizeSetupIntentAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<CardResult>> {
  let message = "";
  const result = await runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const { setupIntentId } = finalizeSchema.parse({ setupIntentId: formData.get("setupIntentId") ?? "" });
    const r = cardResult(
      await finalizeSetupIntent(await getDb(), getStripe(), {
        organizationId: organization.id,
        setupIntentId,
        actor: userActor(user),
      }),
    );
    revalidateBilling(slug);
    message = cardMessage(r);
    return r;
  });
  return result.ok ? { ...result, message } : result;
}

/** "Contact us" for Enterprise: records the request (and an audit row) for platform admins. */
export async function requestEnterpriseAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const request = enterpriseRequestSchema.parse({
      contactEmail: formData.get("contactEmail") ?? "",
      expectedSeats: formData.get("expectedSeats") ?? "",
      message: formData.get("message") ?? "",
    });
    const row = await createEnterpriseRequest(await getDb(), {
      organizationId: organization.id,
      actor: userActor(user),
      request,
    });
    revalidatePath(`/orgs/${slug}/billing/plan`);
    return { id: row.id };
  }, "Thanks: we've got your request and will reply by email within one business day.");
}
