import { buttonClass } from "@/components/ui/button";
import { ChangePlanButton } from "./plan-change";

type Recommendation = {
  kind: "upgrade" | "contact" | "annual";
  title: string;
  detail: string;
  target: { planId: string; cycle: "monthly" | "annual" } | null;
};

/** One suggestion from the organization's own usage, with the change it suggests one click away. */
export function RecommendationCard({
  recommendation: r,
  targetName,
}: {
  recommendation: Recommendation;
  targetName: string;
}) {
  return (
    <section
      aria-labelledby="recommendation-heading"
      data-testid="recommendation"
      className="flex flex-col gap-3 rounded-xl bg-indigo-50 p-5 ring-1 ring-indigo-200 sm:flex-row sm:items-center sm:justify-between dark:bg-indigo-950/40 dark:ring-indigo-900"
    >
      <div className="min-w-0">
        <h2
          id="recommendation-heading"
          className="text-xs font-semibold tracking-wide text-indigo-800 uppercase dark:text-indigo-300"
        >
          Recommended for you
        </h2>
        <p className="mt-1 font-semibold text-zinc-900 dark:text-zinc-100">{r.title}</p>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">{r.detail}</p>
      </div>
      <div className="shrink-0">
        {r.kind === "contact" || !r.target ? (
          <a href="#enterprise" className={buttonClass({ variant: "secondary" })}>
            Contact us
          </a>
        ) : (
          <ChangePlanButton planId={r.target.planId} cycle={r.target.cycle}>
            {r.kind === "annual" ? "Switch to annual billing" : `Upgrade to ${targetName}`}
          </ChangePlanButton>
        )}
      </div>
    </section>
  );
}
