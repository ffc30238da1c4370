import type { ActionState } from "@/components/ui/action-state";
import type { BalanceOutcome } from "@/lib/money";
import type { Limits } from "@/lib/plans";

/** Serialisable shapes the plan page passes to its client components. */

export type Cycle = "monthly" | "annual";

export type PlanOption = {
  id: string;
  name: string;
  description: string;
  currency: string;
  perSeat: boolean;
  /** Per seat (or flat) per cycle, minor units; null = custom price (Contact us). */
  monthlyCents: number | null;
  annualCents: number | null;
  limits: Limits;
  /**
   * The organization's own contract on this plan (Enterprise): its price per seat and cycle.
   * `limits` are then the contract's, not the catalog's.
   */
  contract?: { unitCents: number | null; cycle: Cycle; seats: number };
};

export type CurrentSubscription = {
  planId: string;
  planName: string;
  cycle: Cycle;
  status: string;
  seats: number;
  cancelAtPeriodEnd: boolean;
  /** ISO date the period ends (renewal, or when a scheduled cancellation takes effect). */
  periodEnd: string | null;
  /** A Stripe subscription bills this plan (false for Free and for plans set up by hand). */
  billedInStripe: boolean;
  /** On a contract (a plan priced per organization): plan changes go through a contact request. */
  contract: boolean;
};

export type CardSummary = { brand: string; last4: string; expMonth: number; expYear: number };

export type PlanChangePreview = {
  planId: string;
  planName: string;
  cycle: Cycle;
  seats: number;
  currency: string;
  dueNowCents: number;
  recurringCents: number;
  lines: { description: string; amountCents: number; proration: boolean }[];
  limits: Limits;
  fits: boolean;
  problems: { metric: string; message: string }[];
  /** Cancelling: what will be over Free's limits then ("46 agents (Free allows 10)"); never blocks. */
  overAfter: { metric: string; text: string }[];
  effectiveAt: string | null;
  /** How Stripe's preview meets the credit balance (why "due today" can be less than the total). */
  amounts: BalanceOutcome;
  /** The subscription state this preview priced: sent back with the confirm, which is refused if it changed. */
  stateToken: string;
  /** Confirming also undoes a scheduled cancellation. */
  undoesCancellation: boolean;
};

export type CardResult =
  | { status: "succeeded"; card: CardSummary; retried: { paid: number; stillOpen: number } }
  | { status: "requires_action"; setupIntentId: string; clientSecret: string | null };

export type TestCard = { id: string; label: string; last4: string };

/** How the card form collects a card: Stripe's Payment Element, or the test-card picker. */
export type CardEntryMode = { kind: "stripe"; publishableKey: string } | { kind: "test"; cards: TestCard[] };

export type CardActions = {
  attach: (prev: ActionState<CardResult>, formData: FormData) => Promise<ActionState<CardResult>>;
  createSetupIntent: () => Promise<ActionState<{ clientSecret: string }>>;
  finalize: (prev: ActionState<CardResult>, formData: FormData) => Promise<ActionState<CardResult>>;
  /** Test mode: the customer's answer to the bank's 3-D Secure check (setupIntentId, outcome: succeed | fail). */
  authenticate: (prev: ActionState<CardResult>, formData: FormData) => Promise<ActionState<CardResult>>;
};

export type PlanActions = {
  preview: (formData: FormData) => Promise<ActionState<PlanChangePreview>>;
  change: (
    prev: ActionState<{ unchanged: boolean }>,
    formData: FormData,
  ) => Promise<ActionState<{ unchanged: boolean }>>;
  resume: () => Promise<ActionState<{ unchanged: boolean }>>;
};
