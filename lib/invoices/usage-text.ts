import { formatDateRange } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { fmt, METRIC_NOUN, METRICS, type Metric } from "@/lib/plans";
import type { OverageLine } from "@/lib/usage";
import type { InvoiceUsagePeriod } from "./usage";

/** The words of an invoice's usage breakdown, shared by the page and the PDF. */

/** A usage period and where its numbers come from. */
export function usagePeriodCaption(p: InvoiceUsagePeriod, now: Date, locale = "en-US"): string {
  const range = formatDateRange(p.periodStart, p.periodEnd, locale);
  if (p.state === "closed") return `${range} · closed, against the limits then in force`;
  if (p.state === "open")
    return p.periodEnd.getTime() > now.getTime()
      ? `${range} · so far (the period is running), against the limits in force now`
      : `${range} · against the limits in force`;
  return p.limitsKnown
    ? `${range} · ended; limits as last recorded (the final record is not written yet)`
    : `${range} · ended; the record with the limits that applied is not written yet`;
}

const isMetric = (m: string): m is Metric => (METRICS as readonly string[]).includes(m);
const PER: Record<string, string> = { executions: " per 1,000", storage_bytes: " per GB" };

/** "Overage: 1,200,000 executions at $0.40 per 1,000". */
export function overageText(o: OverageLine, currency: string, locale = "en-US"): string {
  const label = isMetric(o.metric) ? METRIC_NOUN[o.metric].many : o.metric;
  const quantity = isMetric(o.metric) ? fmt(o.quantity, o.metric) : o.quantity.toLocaleString("en-US");
  return `Overage: ${quantity} ${label} at ${formatMoney(o.unitCents, currency, locale)}${PER[o.metric] ?? " each"}`;
}
