import { buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { formatDay } from "./format";
import { ResumeButton } from "./resume-button";
import type { CurrentSubscription, PlanActions } from "./types";

/** What needs attention about the subscription: a scheduled cancellation, a failed payment, a plan not billed through Stripe. */
export function PlanBanners({
  current,
  organizationName,
  canManage,
  resume,
  degradedToFree,
  locale,
}: {
  current: CurrentSubscription;
  organizationName: string;
  canManage: boolean;
  resume: () => ReturnType<PlanActions["resume"]>;
  degradedToFree: boolean;
  locale: string;
}) {
  const pastDue = current.status === "past_due" || current.status === "unpaid";
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
          action={
            canManage ? (
              <a href="#payment-method" className={buttonClass({ variant: "danger" })}>
                Update card
              </a>
            ) : null
          }
        >
          {!current.billedInStripe
            ? `The last invoice is unpaid. Add a card, then start paying for ${current.planName} through Stripe below.`
            : degradedToFree
              ? "The grace period is over, so Free’s limits apply until the invoice is paid. Update the card and we retry at once."
              : `Update the card to keep ${current.planName}; Stripe retries the payment automatically.`}
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
