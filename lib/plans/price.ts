import type { Plan, Subscription } from "@/db/schema";
import { multiplyMinor } from "@/lib/money";

/** The recurring amount of a subscription per cycle, in minor units (null when custom and unset). */
export function recurringAmount(
  plan: Pick<Plan, "pricePerSeatMonthlyCents" | "pricePerSeatAnnualCents" | "perSeat">,
  sub: Pick<Subscription, "billingCycle" | "seats" | "customPricePerSeatCents"> | null,
): number | null {
  const cycle = sub?.billingCycle ?? "monthly";
  const unit =
    sub?.customPricePerSeatCents ?? (cycle === "annual" ? plan.pricePerSeatAnnualCents : plan.pricePerSeatMonthlyCents);
  if (unit === null) return null;
  return plan.perSeat || sub?.customPricePerSeatCents != null ? multiplyMinor(unit, sub?.seats ?? 1) : unit;
}
