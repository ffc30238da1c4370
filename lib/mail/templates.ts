import { z } from "zod";
import { formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import type { MailContent } from "./message";

/**
 * Every message the app sends, one entry per outbox `kind`: the payload's schema (what the
 * producer wrote in the cause's transaction), who receives it, and what it says. Templates are
 * pure: the worker gives them the payload, the organization and the app's URL.
 */

export type Audience =
  /** The address in the payload (invitation, reset, verification). */
  | "payload"
  /** Owners and admins of the organization. */
  | "admins"
  /** The billing email from billing details, else owners and admins. */
  | "billing";

export type TemplateContext = {
  appUrl: string;
  organization: { name: string; slug: string } | null;
};

type Template<S extends z.ZodType> = {
  schema: S;
  audience: Audience;
  render: (p: z.output<S>, ctx: TemplateContext) => MailContent;
};

const define = <S extends z.ZodType>(t: Template<S>) => t;

const orgName = (ctx: TemplateContext) => ctx.organization?.name ?? "your organization";
const orgUrl = (ctx: TemplateContext, path: string) =>
  ctx.organization ? `${ctx.appUrl}/orgs/${ctx.organization.slug}${path}` : `${ctx.appUrl}/`;
const day = (iso: string | null | undefined) => (iso ? formatDate(new Date(iso)) : "soon");
const money = (cents: number, currency: string) => formatMoney(cents, currency);
const ADMIN_FOOTER = "You get this because you are an owner or admin of the organization on AgentBill.";
const BILLING_FOOTER = "You get this as the billing contact of the organization on AgentBill.";
const METRIC_NAMES: Record<string, string> = {
  executions: "executions",
  agents: "agents",
  gateways: "gateways",
  storage_bytes: "storage",
  users: "members",
};

export const TEMPLATES = {
  invitation: define({
    schema: z.object({
      email: z.string(),
      token: z.string(),
      role: z.string(),
      invitedBy: z.string().nullable().optional(),
      expiresAt: z.string(),
    }),
    audience: "payload",
    render: (p, ctx) => ({
      subject: `You're invited to join ${orgName(ctx)} on AgentBill`,
      preview: `${p.invitedBy ?? "Someone"} invited you as ${p.role === "admin" ? "an admin" : `a ${p.role}`}.`,
      heading: `Join ${orgName(ctx)} on AgentBill`,
      blocks: [
        {
          kind: "p",
          text: `${p.invitedBy ?? "An admin"} invited you to ${orgName(ctx)} as ${p.role === "admin" ? "an admin" : `a ${p.role}`}. Accept to set your name and password (or sign in, if you already have an account) and join.`,
        },
        { kind: "link", label: "Accept the invitation", url: `${ctx.appUrl}/invite/${p.token}` },
        { kind: "p", text: `The link works once and expires on ${day(p.expiresAt)}.` },
      ],
      footer: "If you didn't expect this invitation, ignore this message: nothing happens until you accept.",
    }),
  }),
  password_reset: define({
    schema: z.object({ email: z.string(), token: z.string(), expiresAt: z.string() }),
    audience: "payload",
    render: (p, ctx) => ({
      subject: "Reset your AgentBill password",
      preview: "Choose a new password with this link.",
      heading: "Reset your password",
      blocks: [
        { kind: "p", text: `Someone asked to reset the password of ${p.email}. Choose a new one with this link:` },
        { kind: "link", label: "Choose a new password", url: `${ctx.appUrl}/reset-password/${p.token}` },
        {
          kind: "p",
          text: "The link works once and expires in one hour. Setting a new password signs you out everywhere.",
        },
      ],
      footer: "If you didn't ask for this, ignore this message: your password stays as it is.",
    }),
  }),
  email_verification: define({
    schema: z.object({ email: z.string(), token: z.string() }),
    audience: "payload",
    render: (p, ctx) => ({
      subject: "Confirm your email address for AgentBill",
      preview: "One click to confirm it's you.",
      heading: "Confirm your email address",
      blocks: [
        { kind: "p", text: `Confirm that ${p.email} is yours. Until you do, your organization can't subscribe.` },
        { kind: "link", label: "Confirm my email", url: `${ctx.appUrl}/verify-email/${p.token}` },
      ],
      footer: "If you didn't sign up for AgentBill, ignore this message.",
    }),
  }),
  email_change_confirm: define({
    schema: z.object({ email: z.string(), currentEmail: z.string(), token: z.string(), expiresAt: z.string() }),
    audience: "payload",
    render: (p, ctx) => ({
      subject: "Confirm your new email address for AgentBill",
      preview: `Confirm to sign in with ${p.email} from now on.`,
      heading: "Confirm your new email address",
      blocks: [
        {
          kind: "p",
          text: `Someone signed in to the AgentBill account of ${p.currentEmail} asked to change its email address to ${p.email}. Open this link and confirm; until then the address stays ${p.currentEmail}.`,
        },
        { kind: "link", label: "Confirm the new address", url: `${ctx.appUrl}/confirm-email-change/${p.token}` },
        {
          kind: "p",
          text: `The link works once and expires on ${day(p.expiresAt)}. After that you sign in with ${p.email}.`,
        },
      ],
      footer: "If you didn't ask for this, ignore this message: nothing changes unless the link is confirmed.",
    }),
  }),
  email_change_notice: define({
    schema: z.object({ email: z.string(), newEmail: z.string() }),
    audience: "payload",
    render: (p, ctx) => ({
      subject: "Your AgentBill email address is being changed",
      preview: `A change to ${p.newEmail} was requested.`,
      heading: "Your email address is being changed",
      blocks: [
        {
          kind: "p",
          text: `Someone signed in to your AgentBill account (${p.email}) with your password asked to change its email address to ${p.newEmail}. We sent a confirmation link there; the address changes only when it is confirmed.`,
        },
        {
          kind: "p",
          text: "If this wasn't you, reset your password now: that cancels the change and signs out every session.",
        },
        { kind: "link", label: "Reset my password", url: `${ctx.appUrl}/forgot-password` },
      ],
      footer: "You get this because this address is the one your AgentBill account uses today.",
    }),
  }),
  invoice_paid: define({
    schema: z.object({
      invoice: z.string(),
      number: z.string().nullable().optional(),
      amountPaid: z.number().int(),
      currency: z.string(),
      invoiceId: z.string().nullable().optional(),
    }),
    audience: "billing",
    render: (p, ctx) => {
      const page = p.invoiceId ? orgUrl(ctx, `/billing/invoices/${p.invoiceId}`) : orgUrl(ctx, "/billing/invoices");
      return {
        subject: `Receipt for ${orgName(ctx)}: ${money(p.amountPaid, p.currency)} paid`,
        preview: `Invoice ${p.number ?? p.invoice} is paid.`,
        heading: "Thanks, your payment went through",
        blocks: [
          {
            kind: "facts",
            rows: [
              ["Invoice", p.number ?? p.invoice],
              ["Amount paid", money(p.amountPaid, p.currency)],
            ],
          },
          {
            kind: "link",
            label: "Download the PDF",
            url: p.invoiceId ? `${ctx.appUrl}/api/invoices/${p.invoiceId}/pdf` : page,
          },
          { kind: "p", text: `Every invoice is also on your billing page: ${page}` },
        ],
        footer: BILLING_FOOTER,
      };
    },
  }),
  payment_failed: define({
    schema: z.object({
      invoice: z.string().nullable().optional(),
      amountDue: z.number().int(),
      currency: z.string(),
      attempt: z.number().int().optional(),
      nextPaymentAttempt: z.number().int().nullable().optional(),
    }),
    audience: "billing",
    render: (p, ctx) => ({
      subject: `Payment failed for ${orgName(ctx)}: ${money(p.amountDue, p.currency)}`,
      preview: "Update the card to keep your plan.",
      heading: "We couldn't charge your card",
      blocks: [
        {
          kind: "facts",
          rows: [
            ["Amount due", money(p.amountDue, p.currency)],
            [
              "Next try",
              p.nextPaymentAttempt
                ? formatDate(new Date(p.nextPaymentAttempt * 1000))
                : "none scheduled: update the card",
            ],
          ],
        },
        {
          kind: "p",
          text: "Update the card now and we'll charge it on the next try; your plan's limits stay while the invoice is settled.",
        },
        { kind: "link", label: "Update the card", url: orgUrl(ctx, "/billing/plan") },
      ],
      footer: BILLING_FOOTER,
    }),
  }),
  trial_will_end: define({
    schema: z.object({ subscription: z.string().optional(), trialEnd: z.string().nullable().optional() }),
    audience: "billing",
    render: (p, ctx) => ({
      subject: `Your ${orgName(ctx)} trial ends on ${day(p.trialEnd)}`,
      preview: "Your card will be charged when the trial ends.",
      heading: "Your trial ends in 3 days",
      blocks: [
        {
          kind: "p",
          text: `The trial of ${orgName(ctx)} ends on ${day(p.trialEnd)}. Then the plan renews and the card on file is charged. Change or cancel the plan before then if you don't want that.`,
        },
        { kind: "link", label: "Review the plan", url: orgUrl(ctx, "/billing/plan") },
      ],
      footer: BILLING_FOOTER,
    }),
  }),
  subscription_renewing: define({
    schema: z.object({
      renewsAt: z.string(),
      amountDue: z.number().int().nullable().optional(),
      currency: z.string().optional(),
    }),
    audience: "billing",
    render: (p, ctx) => ({
      subject: `${orgName(ctx)} renews on ${day(p.renewsAt)}`,
      preview: "Your subscription renews in 3 days.",
      heading: "Your subscription renews in 3 days",
      blocks: [
        {
          kind: "p",
          text: `The subscription of ${orgName(ctx)} renews on ${day(p.renewsAt)}${p.amountDue != null && p.currency ? ` for ${money(p.amountDue, p.currency)}` : ""}.`,
        },
        { kind: "link", label: "Review the plan", url: orgUrl(ctx, "/billing/plan") },
      ],
      footer: BILLING_FOOTER,
    }),
  }),
  usage_alert: define({
    schema: z.object({
      metric: z.string(),
      thresholdPercent: z.number(),
      used: z.number(),
      limit: z.number(),
    }),
    audience: "admins",
    render: (p, ctx) => {
      const what = METRIC_NAMES[p.metric] ?? p.metric;
      const over = p.used > p.limit;
      const state = over
        ? `is over its limit of ${what}`
        : p.thresholdPercent >= 100
          ? `reached its limit of ${what}`
          : `used ${p.thresholdPercent}% of its ${what}`;
      return {
        subject: `${orgName(ctx)} ${state}`,
        preview: `${p.used} of ${p.limit} ${what} this period.`,
        heading: over
          ? "Over the limit"
          : p.thresholdPercent >= 100
            ? "Limit reached"
            : `${p.thresholdPercent}% of a limit used`,
        blocks: [
          {
            kind: "facts",
            rows: [
              ["Metric", what],
              ["Used", String(p.used)],
              ["Limit", String(p.limit)],
            ],
          },
          {
            kind: "p",
            text:
              p.thresholdPercent >= 100
                ? "New usage of this metric is refused until the period ends or the plan changes. Upgrade to raise the limit."
                : "When it reaches 100%, new usage of this metric is refused until the period ends. Upgrade to raise the limit.",
          },
          { kind: "link", label: "See usage and plans", url: orgUrl(ctx, "/billing") },
        ],
        footer: ADMIN_FOOTER,
      };
    },
  }),
  organization_suspended: define({
    schema: z.object({ reason: z.string().nullable().optional() }),
    audience: "admins",
    render: (p, ctx) => ({
      subject: `${orgName(ctx)} is suspended`,
      preview: "API calls and usage are refused until it is reactivated.",
      heading: "Your organization is suspended",
      blocks: [
        {
          kind: "p",
          text: `${orgName(ctx)} was suspended${p.reason ? `: ${p.reason}` : "."} API keys and usage are refused until it is reactivated. Reply to this message or contact support to resolve it.`,
        },
      ],
      footer: ADMIN_FOOTER,
    }),
  }),
  organization_reactivated: define({
    schema: z.object({}).passthrough(),
    audience: "admins",
    render: (_p, ctx) => ({
      subject: `${orgName(ctx)} is active again`,
      preview: "API calls and usage work again.",
      heading: "Your organization is active again",
      blocks: [
        { kind: "p", text: `${orgName(ctx)} was reactivated: API keys and usage work again.` },
        { kind: "link", label: "Open AgentBill", url: orgUrl(ctx, "/billing") },
      ],
      footer: ADMIN_FOOTER,
    }),
  }),
} as const;

export type MailKind = keyof typeof TEMPLATES;

export function isMailKind(kind: string): kind is MailKind {
  return Object.hasOwn(TEMPLATES, kind);
}
