import { ButtonLink } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { formatDate } from "@/lib/format";
import { pastDueText, type PastDueInvoice } from "@/components/billing/format";
import { daysUntil, plural } from "./format";
import { ResumeForm, type ResumeAction } from "./resume-form";

export type BannerData = {
  slug: string;
  planName: string;
  locale: string;
  now: Date;
  canManage: boolean;
  /** Past due (or unpaid): the open invoice when there is one; `freeLimitsFrom` is when the grace period ends. */
  pastDue: PastDueInvoice | null;
  degraded: boolean;
  cancelScheduled: { endsOn: Date } | null;
  /**
   * What is over the limits in force (e.g. on Free after a cancellation), as "46 agents (Free
   * allows 10)"; while a cancellation is scheduled, what will be over Free's limits then.
   */
  overLimits: { metric: string; text: string }[];
  /** Free after a paid plan ended: when it ended. */
  endedOn: Date | null;
  trial: { endsOn: Date } | null;
  /** The server action that resumes a scheduled cancellation; null: link to the plan page instead. */
  resumeAction: ResumeAction | null;
};

const askAdmin = "Ask an owner or admin of the organization to do this.";

/** Notices that need someone's attention: past due, Free limits after the grace period, cancellation scheduled, trial ending. */
export function BillingBanners(b: BannerData) {
  const date = (d: Date) => formatDate(d, b.locale);
  const cardHref = `/orgs/${b.slug}/billing/plan#payment-method`;
  // Opens the card form on the plan page, not just the section.
  const updateCardHref = `/orgs/${b.slug}/billing/plan?card=update#payment-method`;
  const banners: React.ReactNode[] = [];
  if (b.pastDue) {
    banners.push(
      <Notice
        key="past-due"
        tone="error"
        role="alert"
        testId="banner-past-due"
        title="Payment failed"
        action={
          b.canManage ? (
            <ButtonLink href={updateCardHref} variant="danger" size="sm">
              Update card
            </ButtonLink>
          ) : null
        }
      >
        <p>{pastDueText(b.pastDue, b.degraded, b.locale)}</p>
        {b.canManage ? null : <p className="mt-1">{askAdmin}</p>}
      </Notice>,
    );
  }
  if (b.degraded) {
    banners.push(
      <Notice key="degraded" tone="error" role="status" testId="banner-degraded" title="Free plan limits apply">
        <p>
          The payment is overdue past the grace period, so your organization runs on Free limits until it is paid.
          Paying restores your {b.planName} limits at once.
        </p>
      </Notice>,
    );
  }
  if (b.cancelScheduled) {
    const resume = b.resumeAction ? (
      <ResumeForm action={b.resumeAction} />
    ) : (
      <ButtonLink href={`/orgs/${b.slug}/billing/plan`} variant="secondary" size="sm">
        Resume on the plan page
      </ButtonLink>
    );
    banners.push(
      <Notice
        key="cancel"
        tone="warning"
        role="status"
        testId="banner-cancel"
        title="Cancellation scheduled"
        action={b.canManage ? resume : null}
      >
        <p>
          Your {b.planName} plan ends on {date(b.cancelScheduled.endsOn)}. After that Free limits apply and no further
          invoices are sent. Nothing is deleted.
        </p>
        {b.overLimits.length > 0 ? (
          <p className="mt-1" data-testid="banner-cancel-over">
            Over Free’s limits then: {b.overLimits.map((o) => o.text).join(", ")}. Adding more of these will be refused
            until you’re within Free’s limits.
          </p>
        ) : null}
        {b.canManage ? null : <p className="mt-1">{askAdmin}</p>}
      </Notice>,
    );
  }
  if (!b.cancelScheduled && b.overLimits.length > 0) {
    banners.push(
      <Notice
        key="over-limits"
        tone="warning"
        role="status"
        testId="banner-over-limits"
        title={`Over the ${b.planName} plan’s limits`}
        action={
          b.canManage ? (
            <ButtonLink href={`/orgs/${b.slug}/billing/plan`} size="sm">
              See plans
            </ButtonLink>
          ) : null
        }
      >
        <p>
          {b.endedOn ? `Your paid plan ended on ${date(b.endedOn)}, so ${b.planName} limits apply. ` : ""}
          Over the limits now: {b.overLimits.map((o) => o.text).join(", ")}. Nothing was deleted, but adding more of
          these is refused until you remove some or move to a plan that fits.
        </p>
        {b.canManage ? null : <p className="mt-1">{askAdmin}</p>}
      </Notice>,
    );
  }
  if (b.trial) {
    const left = daysUntil(b.trial.endsOn, b.now);
    banners.push(
      <Notice
        key="trial"
        tone={left <= 7 ? "warning" : "info"}
        role="status"
        testId="banner-trial"
        title={left === 0 ? "Your trial ends today" : `Your trial ends in ${plural(left, "day")}`}
        action={
          b.canManage ? (
            <ButtonLink href={cardHref} size="sm">
              Add a card
            </ButtonLink>
          ) : null
        }
      >
        <p>
          The {b.planName} trial ends on {date(b.trial.endsOn)}. Add a card before then to keep the plan without
          interruption.
        </p>
        {b.canManage ? null : <p className="mt-1">{askAdmin}</p>}
      </Notice>,
    );
  }
  if (banners.length === 0) return null;
  return (
    <section aria-label="Billing notices" className="space-y-3">
      {banners}
    </section>
  );
}
