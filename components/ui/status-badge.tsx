import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ShownStatus } from "@/lib/status";

export type { ShownStatus };

/** The one status -> colour map, for every status word the app shows (customer and console). */
export const STATUS_TONE: Record<ShownStatus, BadgeTone> = {
  // organizations
  active: "green",
  suspended: "red",
  // subscriptions
  trialing: "indigo",
  past_due: "red",
  unpaid: "red",
  canceled: "neutral",
  incomplete: "amber",
  incomplete_expired: "neutral",
  paused: "amber",
  // invoices
  paid: "green",
  open: "amber",
  draft: "neutral",
  void: "neutral",
  uncollectible: "red",
  overdue: "red",
  credited: "indigo",
  // webhook events, jobs, mail and outbound deliveries
  processed: "green",
  pending: "amber",
  failed: "red",
  ignored: "neutral",
  succeeded: "green",
  running: "indigo",
  late: "amber",
  failing: "red",
  waiting: "neutral",
  sent: "green",
  skipped: "neutral",
  dead: "red",
  // outbound webhook endpoints
  enabled: "green",
  disabled: "amber",
  deleted: "neutral",
  // health
  ok: "green",
  degraded: "amber",
  down: "red",
  not_checked: "neutral",
};

/** The colour of a status word (neutral when the word is not known). */
export function statusTone(status: string): BadgeTone {
  return (STATUS_TONE as Record<string, BadgeTone>)[status] ?? "neutral";
}

const LABEL: Partial<Record<ShownStatus, string>> = {
  not_checked: "not checked",
  past_due: "past due",
  incomplete_expired: "expired",
};

/**
 * A status word in its colour; the word itself carries the meaning (not the colour alone). `label`
 * replaces the default wording (the status with spaces) where a page has its own, e.g. "Overdue".
 */
export function StatusBadge({ status, label }: { status: ShownStatus; label?: string }) {
  return <Badge tone={statusTone(status)}>{label ?? LABEL[status] ?? status.replace(/_/g, " ")}</Badge>;
}
