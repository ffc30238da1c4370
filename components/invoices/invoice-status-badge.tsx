import type { InvoiceStatus } from "@/lib/invoices";
import { StatusBadge } from "@/components/ui/status-badge";
import { statusText } from "@/lib/invoices";

/**
 * An invoice's status in words and colour: an open invoice past its due date says "Overdue", a
 * credit-only invoice (negative total) "Credited".
 */
export function InvoiceStatusBadge({
  status,
  dueDate,
  now,
  totalCents = 0,
}: {
  status: InvoiceStatus;
  dueDate: Date | null;
  now: Date;
  totalCents?: number;
}) {
  const s = statusText({ status, dueDate, totalCents }, now);
  return <StatusBadge status={s.status} label={s.label} />;
}
