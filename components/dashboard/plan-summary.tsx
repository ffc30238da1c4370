import { Badge, type BadgeTone } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { formatDate, formatDateRange } from "@/lib/format";
import type { CustomerBalance, UpcomingInvoice } from "@/lib/invoices/upcoming";
import { formatMoney, sumMinor } from "@/lib/money";
import { balanceText } from "@/components/billing/format";
import type { NextInvoice } from "@/lib/usage/trends";

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  active: { label: "Active", tone: "green" },
  trialing: { label: "Trial", tone: "indigo" },
  past_due: { label: "Past due", tone: "red" },
  unpaid: { label: "Unpaid", tone: "red" },
  canceled: { label: "Canceled", tone: "neutral" },
  incomplete: { label: "Incomplete", tone: "amber" },
  incomplete_expired: { label: "Expired", tone: "neutral" },
  paused: { label: "Paused", tone: "amber" },
};

export type PlanSummaryProps = {
  slug: string;
  plan: { id: string; name: string; perSeat: boolean; currency: string };
  /** null: no subscription (Free). */
  status: string | null;
  cycle: "monthly" | "annual";
  seats: number | null;
  /** Per cycle, minor units; null = custom price not set. */
  priceCents: number | null;
  cancelAtPeriodEnd: boolean;
  nextInvoice: NextInvoice;
  /** Stripe's preview of the next invoice (pending prorations and the balance applied). */
  upcoming: UpcomingInvoice;
  /** The customer balance at Stripe (credit from downgrades and interval changes). */
  balance: CustomerBalance;
  usagePeriod: { start: Date; end: Date };
  locale: string;
  canManage: boolean;
  /** Suspended by the platform: said beside the subscription's own status. */
  suspended?: boolean;
};

/** The plan card: plan, status, cycle, seats, price and the next invoice with its estimate. */
export function PlanSummary(p: PlanSummaryProps) {
  const status = STATUS[p.status ?? "active"] ?? { label: p.status ?? "Active", tone: "neutral" as const };
  const per = p.cycle === "annual" ? "year" : "month";
  const price =
    p.priceCents === null
      ? "Custom"
      : p.priceCents === 0
        ? "Free"
        : `${formatMoney(p.priceCents, p.plan.currency, p.locale)} / ${per}`;
  const paid = p.nextInvoice.kind !== "none";
  return (
    <section
      aria-labelledby="plan-heading"
      className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="plan-heading" className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
            Current plan
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <p className="text-2xl font-semibold tracking-tight" data-testid="plan-name">
              {p.plan.name}
            </p>
            <Badge tone={status.tone}>
              <span className="sr-only">Status: </span>
              {status.label}
            </Badge>
            {p.suspended ? <Badge tone="red">Suspended</Badge> : null}
            {paid || p.plan.id !== "free" ? <Badge>{p.cycle === "annual" ? "Annual" : "Monthly"}</Badge> : null}
            {p.cancelAtPeriodEnd ? <Badge tone="amber">Ends at period end</Badge> : null}
          </div>
        </div>
        {p.canManage ? (
          <ButtonLink href={`/orgs/${p.slug}/billing/plan`} variant="secondary" size="sm">
            {p.plan.id === "free" ? "Upgrade plan" : "Change plan"}
          </ButtonLink>
        ) : null}
      </div>
      <dl className="mt-5 grid grid-cols-1 gap-x-6 gap-y-4 text-sm min-[420px]:grid-cols-2 lg:grid-cols-4">
        <Item label="Price">
          <span className="tabular">{price}</span>
          {p.plan.perSeat && p.seats !== null ? <Sub>{`${p.seats} ${p.seats === 1 ? "seat" : "seats"}`}</Sub> : null}
        </Item>
        <Item label="Usage period">
          {formatDateRange(p.usagePeriod.start, p.usagePeriod.end, p.locale)}
          <Sub>Limits reset on {formatDate(p.usagePeriod.end, p.locale)}</Sub>
        </Item>
        <NextInvoiceItems next={p.nextInvoice} upcoming={p.upcoming} locale={p.locale} />
        <BalanceItem balance={p.balance} locale={p.locale} />
      </dl>
    </section>
  );
}

/** The customer balance, when there is one: credit pays the next invoices first; an owed balance is added to the next. */
function BalanceItem({ balance, locale }: { balance: CustomerBalance; locale: string }) {
  const b = balanceText(balance, locale);
  if (!b) return null;
  return (
    <Item label={b.label}>
      {b.amount ? (
        <span
          className={`tabular ${b.tone === "credit" ? "text-emerald-700 dark:text-emerald-400" : ""}`}
          data-testid="credit-balance"
        >
          {b.amount}
        </span>
      ) : (
        <span className="text-zinc-600 dark:text-zinc-400">Not available</span>
      )}
      <Sub>{b.note}</Sub>
    </Item>
  );
}

function NextInvoiceItems({
  next,
  upcoming,
  locale,
}: {
  next: NextInvoice;
  upcoming: UpcomingInvoice;
  locale: string;
}) {
  if (next.kind === "none") {
    return (
      <Item label="Next invoice">
        None
        <Sub>The Free plan is not billed</Sub>
      </Item>
    );
  }
  if (next.kind === "ending") {
    return (
      <Item label="Next invoice">
        None
        <Sub>The plan ends on {formatDate(next.date, locale)}</Sub>
      </Item>
    );
  }
  const overage =
    next.overageCents > 0 ? (
      <Sub>Plus overage so far {formatMoney(next.overageCents, next.currency, locale)}, invoiced separately</Sub>
    ) : null;
  if (upcoming.kind === "preview") {
    // Stripe's own preview: the renewal with pending prorations, and the credit balance applied.
    const m = (cents: number) => formatMoney(cents, upcoming.currency, locale);
    const prorated = upcoming.lines.filter((l) => l.proration).map((l) => l.amountCents);
    return (
      <>
        <Item label="Next invoice">
          <span data-testid="next-invoice-date">{formatDate(upcoming.date, locale)}</span>
          <Sub>Estimate from Stripe, updated as you change the plan</Sub>
        </Item>
        <Item label="Estimated amount">
          <span className="tabular" data-testid="next-invoice-amount">
            {m(upcoming.totalCents)}
          </span>
          {prorated.length > 0 ? <Sub>Includes {m(sumMinor(prorated))} of prorated changes</Sub> : null}
          {upcoming.creditAppliedCents > 0 ? (
            <Sub>
              <span data-testid="next-invoice-due">{m(upcoming.amountDueCents)} due</span>
              {upcoming.amountDueCents === 0
                ? ": your credit balance covers it"
                : `: your credit balance pays ${m(upcoming.creditAppliedCents)}`}
            </Sub>
          ) : upcoming.balanceAddedCents > 0 ? (
            <Sub>
              <span data-testid="next-invoice-due">{m(upcoming.amountDueCents)} due</span>, with{" "}
              {m(upcoming.balanceAddedCents)} owed from earlier invoices
            </Sub>
          ) : prorated.length === 0 ? (
            <Sub>The plan price; no changes pending</Sub>
          ) : null}
          {overage}
        </Item>
      </>
    );
  }
  const money = (cents: number) => formatMoney(cents, next.currency, locale);
  return (
    <>
      <Item label="Next invoice">
        <span data-testid="next-invoice-date">{formatDate(next.date, locale)}</span>
      </Item>
      <Item label="Estimated amount">
        <span className="tabular" data-testid="next-invoice-amount">
          {next.recurringCents === null ? "Custom pricing" : money(next.recurringCents)}
        </span>
        <Sub>
          {upcoming.kind === "unavailable"
            ? "The plan price: we couldn’t reach our payment provider for its preview"
            : "The plan price"}
        </Sub>
        {overage}
      </Item>
    </>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 font-medium">{children}</dd>
    </div>
  );
}

function Sub({ children }: { children: React.ReactNode }) {
  return <span className="mt-0.5 block text-xs font-normal text-zinc-500 dark:text-zinc-400">{children}</span>;
}
