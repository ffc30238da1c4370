import { Notice } from "@/components/ui/notice";
import { formatDay, pastDueText, type PastDueInvoice } from "./format";
import { ResumeButton } from "./resume-button";
import type { CurrentSubscription, PlanActions } from "./types";
import { UpdateCardLink } from "./update-card-link";

/** What needs attention about the subscription: a scheduled cancellation, a failed payment, a plan not billed through Stripe. */
export function PlanBanners({
  current,
  organizationName,
  canManage,
  resume,
  degradedToFree,
  pastDue,
  locale,
}: {
  current: CurrentSubscription;
  organizationName: string;
  canManage: boolean;
  resume: () => ReturnType<PlanActions["resume"]>;
  degradedToFree: boolean;
  /** The open invoice of a past-due subscription (amount, next retry); null when in good standing. */
  pastDue: PastDueInvoice | null;
  locale: string;
}) {
  return (
    <>
      {current.cancelAtPeriodEnd ? (
        <Notice
          tone="warning"
          role="status"
          testId="cancel-scheduled"
          title={`${current.planName} ends on ${formatDay(current.periodEnd, locale)}`}
          action={canManage ? <ResumeButton resume={resume} /> : null}
        >
          Then {organizationName} moves to Free’s limits; nothing is deleted. Resume to keep {current.planName}.
        </Notice>
      ) : null}
      {pastDue ? (
        <Notice
          tone="error"
          role="alert"
          title="Your last payment failed"
          testId="plan-past-due"
          action={canManage ? <UpdateCardLink>Update card</UpdateCardLink> : null}
        >
          <p>{pastDueText(pastDue, degradedToFree, locale)}</p>
          <p className="mt-1">
            {!current.billedInStripe
              ? `Add a card, then start paying for ${current.planName} through Stripe below.`
              : degradedToFree
                ? "The grace period is over, so Free’s limits apply until the invoice is paid. Update the card and we charge it at once."
                : `Update the card to keep ${current.planName}: the new card is charged at once.`}
            {canManage ? "" : " Ask an owner or admin of the organization to do this."}
          </p>
        </Notice>
      ) : null}
      {!current.billedInStripe && current.planId !== "free" ? (
        <Notice tone="neutral" role="note" title="Not billed through Stripe">
          {organizationName}’s {current.planName} plan was set up by hand, without a Stripe subscription, so nothing is
          charged here yet. “Start paying through Stripe”, or choosing another plan or cycle below, starts one.
        </Notice>
      ) : null}
    </>
  );
}
