import { annualSaving, annualSavingPercent, formatMoney, multiplyMinor } from "@/lib/money";
import { fmt, limitForMetric, percentUsed, type Limits, type Metric } from "@/lib/plans/limits";

/**
 * A plan recommendation from the organization's actual usage. Pure: the plan page gathers the
 * numbers and shows the sentence; nothing here reads the database or calls Stripe.
 */

export type RecommendPlan = {
  id: string;
  name: string;
  perSeat: boolean;
  currency: string;
  /** Price per seat (or flat) per cycle in minor units; null = custom (priced per organization). */
  monthlyCents: number | null;
  annualCents: number | null;
  limits: Limits;
};

export type RecommendInput = {
  /** Public plans in catalog order, cheapest first (the current one included). */
  plans: RecommendPlan[];
  currentPlanId: string;
  cycle: "monthly" | "annual";
  /** Members now: the seats a per-seat plan would bill. */
  members: number;
  /** Use now against the limits in force (metric units: storage in bytes). */
  usage: { metric: Metric; used: number; limit: number | null }[];
  /** Executions of earlier periods, most recent first, to say "N periods running". */
  previousExecutions?: number[];
  /** Whether the current paid plan is billed through a live Stripe subscription. */
  billedInStripe: boolean;
  /** Stripe's subscription status (absent: none, or active). */
  status?: string;
  locale?: string;
};

export type Recommendation = {
  kind: "upgrade" | "contact" | "annual";
  /** One sentence: what we noticed. */
  title: string;
  /** One sentence: what to do about it and what it costs. */
  detail: string;
  /** The change to offer (none for "contact": that goes through the Enterprise form). */
  target: { planId: string; cycle: "monthly" | "annual" } | null;
};

/** Share of a limit from which we suggest a bigger plan. */
export const PRESSURE_PERCENT = 80;

const NOUN: Record<Metric, string> = {
  users: "members",
  agents: "agents",
  executions: "executions",
  storage_bytes: "storage",
  gateways: "gateways",
};

const ONE: Record<Metric, string> = {
  users: "member",
  agents: "agent",
  executions: "execution",
  storage_bytes: "storage",
  gateways: "gateway",
};

/** "3 members", "1 gateway", "1 GB of storage", "10,000 executions". */
function quantity(metric: Metric, n: number): string {
  if (metric === "storage_bytes") return `${fmt(n, metric)} of storage`;
  return `${fmt(n, metric)} ${n === 1 ? ONE[metric] : NOUN[metric]}`;
}

function seatsFor(plan: RecommendPlan, members: number): number {
  return plan.perSeat ? Math.max(1, members) : 1;
}

function perCycle(plan: RecommendPlan, cycle: "monthly" | "annual", members: number): number | null {
  const unit = cycle === "annual" ? plan.annualCents : plan.monthlyCents;
  return unit === null ? null : multiplyMinor(unit, seatsFor(plan, members));
}

/** Consecutive periods (this one included) at or above the pressure share of `limit`. */
function periodsRunning(current: number, previous: number[], limit: number): number {
  let n = (percentUsed(current, limit) ?? 0) >= PRESSURE_PERCENT ? 1 : 0;
  if (n === 0) return 0;
  for (const used of previous) {
    if ((percentUsed(used, limit) ?? 0) < PRESSURE_PERCENT) break;
    n++;
  }
  return n;
}

function upgradeAdvice(input: RecommendInput): Recommendation | null {
  const index = input.plans.findIndex((p) => p.id === input.currentPlanId);
  if (index < 0) return null;
  const current = input.plans[index]!;
  const pressed = input.usage
    .map((u) => ({ ...u, percent: percentUsed(u.used, u.limit) }))
    .filter(
      (u): u is typeof u & { limit: number; percent: number } =>
        u.limit !== null && u.percent !== null && u.percent >= PRESSURE_PERCENT,
    )
    .sort((a, b) => b.percent - a.percent);
  const top = pressed[0];
  if (!top) return null;
  // The next plan up that lifts or raises this limit.
  const next = input.plans.slice(index + 1).find((p) => {
    const l = limitForMetric(p.limits, top.metric);
    return l === null || l > top.limit;
  });
  if (!next) return null;

  let title: string;
  if (top.percent >= 100) {
    title = `You've reached ${current.name}'s limit of ${quantity(top.metric, top.limit)}.`;
  } else if (top.metric === "executions") {
    const running = periodsRunning(top.used, input.previousExecutions ?? [], top.limit);
    const when =
      running > 1 ? `this period, and ${PRESSURE_PERCENT}% or more ${running} periods running` : "this period";
    title = `You used ${top.percent}% of ${current.name}'s executions ${when}.`;
  } else {
    title = `You're using ${top.percent}% of ${current.name}'s ${NOUN[top.metric]} (${fmt(top.used, top.metric)} of ${fmt(top.limit, top.metric)}).`;
  }

  const price = perCycle(next, "monthly", input.members);
  if (price === null) {
    return {
      kind: "contact",
      title,
      detail: `${next.name} has room for more, with limits and a price set for you: contact us and we'll size it.`,
      target: null,
    };
  }
  const newLimit = limitForMetric(next.limits, top.metric);
  const seats = seatsFor(next, input.members);
  const cost = `${formatMoney(price, next.currency, input.locale)}/month${next.perSeat ? ` for ${seats} ${seats === 1 ? "seat" : "seats"}` : ""}`;
  const detail =
    newLimit === null
      ? `${next.name} removes the cap for ${cost}.`
      : `${next.name} raises it to ${fmt(newLimit, top.metric)} for ${cost}.`;
  return { kind: "upgrade", title, detail, target: { planId: next.id, cycle: "monthly" } };
}

function annualAdvice(input: RecommendInput): Recommendation | null {
  if (input.cycle !== "monthly" || !input.billedInStripe) return null;
  const plan = input.plans.find((p) => p.id === input.currentPlanId);
  if (!plan) return null;
  const monthly = perCycle(plan, "monthly", input.members);
  const annual = perCycle(plan, "annual", input.members);
  if (monthly === null || annual === null || monthly === 0) return null;
  const saving = annualSaving(monthly, annual);
  if (saving <= 0) return null;
  const money = (n: number) => formatMoney(n, plan.currency, input.locale);
  const seats = seatsFor(plan, input.members);
  return {
    kind: "annual",
    title: `At your usage, annual billing saves ${money(saving)} a year.`,
    detail: `${money(annual)} a year instead of ${money(monthly)} a month${plan.perSeat ? ` for ${seats} ${seats === 1 ? "seat" : "seats"}` : ""}: ${annualSavingPercent(monthly, annual)}% less.`,
    target: { planId: plan.id, cycle: "annual" },
  };
}

/** A payment is owed (or the first one never went through): paying it comes before any offer. */
const PAYMENT_OWED = new Set(["past_due", "unpaid", "incomplete"]);

/**
 * The single most useful suggestion, or null: pressure on a limit first, then the annual saving.
 * None while a payment is owed: the page asks for a working card instead.
 */
export function recommendPlan(input: RecommendInput): Recommendation | null {
  if (input.status && PAYMENT_OWED.has(input.status)) return null;
  return upgradeAdvice(input) ?? annualAdvice(input);
}
