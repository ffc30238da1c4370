import "server-only";
import { SYSTEM_STRIPE } from "@/lib/audit";
import { findOrganizationId, linkCustomer, organizationOfCard, syncCard } from "@/lib/billing";
import type { EventOf, HandlerContext } from "../types";
import { isUuid } from "@/lib/input";

/**
 * customer.updated, payment_method.*, setup_intent.succeeded: the card on file is the
 * customer's default card as Stripe has it now (lib/billing re-reads it), whatever order these
 * arrive in.
 */
export async function onCustomerUpdated(ctx: HandlerContext, event: EventOf<"customer.updated">): Promise<void> {
  const customer = event.data.object;
  const organizationId = await findOrganizationId(ctx.tx, { customer: customer.id, metadata: customer.metadata });
  if (!organizationId) return;
  await syncCard({ db: ctx.tx, stripe: ctx.stripe }, { organizationId, actor: SYSTEM_STRIPE, fallback: { customer } });
}

export async function onPaymentMethodAttached(
  ctx: HandlerContext,
  event: EventOf<"payment_method.attached">,
): Promise<void> {
  const pm = event.data.object;
  if (!pm.customer) return;
  const organizationId = await findOrganizationId(ctx.tx, { customer: pm.customer });
  if (!organizationId) return;
  await syncCard(
    { db: ctx.tx, stripe: ctx.stripe },
    { organizationId, actor: SYSTEM_STRIPE, fallback: { attached: pm } },
  );
}

export async function onPaymentMethodDetached(
  ctx: HandlerContext,
  event: EventOf<"payment_method.detached">,
): Promise<void> {
  const pm = event.data.object;
  // A detached card has no customer any more: the organization is the one whose card it was.
  const organizationId =
    (await organizationOfCard(ctx.tx, pm.id)) ??
    (event.data.previous_attributes?.customer
      ? await findOrganizationId(ctx.tx, { customer: event.data.previous_attributes.customer })
      : null);
  if (!organizationId) return;
  await syncCard({ db: ctx.tx, stripe: ctx.stripe }, { organizationId, actor: SYSTEM_STRIPE });
}

export async function onSetupIntentSucceeded(
  ctx: HandlerContext,
  event: EventOf<"setup_intent.succeeded">,
): Promise<void> {
  const intent = event.data.object;
  if (!intent.customer) return;
  const organizationId = await findOrganizationId(ctx.tx, { customer: intent.customer, metadata: intent.metadata });
  if (!organizationId) return;
  await syncCard({ db: ctx.tx, stripe: ctx.stripe }, { organizationId, actor: SYSTEM_STRIPE });
}

/** checkout.session.completed: link a customer made through Checkout to its organization (once). */
export async function onCheckoutCompleted(
  ctx: HandlerContext,
  event: EventOf<"checkout.session.completed">,
): Promise<void> {
  const session = event.data.object;
  const orgId = session.client_reference_id;
  const customer = typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
  if (!orgId || !customer || !isUuid(orgId)) return;
  await linkCustomer(ctx.tx, orgId, customer);
}
