import { Badge, type BadgeTone } from "@/components/ui/badge";

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  paid: { label: "Paid", tone: "green" },
  open: { label: "Open", tone: "amber" },
  draft: { label: "Draft", tone: "neutral" },
  void: { label: "Void", tone: "neutral" },
  uncollectible: { label: "Uncollectible", tone: "red" },
};

/** An invoice's status in words and colour; an open invoice past its due date says "Overdue". */
export function InvoiceStatusBadge({ status, dueDate, now }: { status: string; dueDate: Date | null; now: Date }) {
  if (status === "open" && dueDate && dueDate.getTime() < now.getTime()) return <Badge tone="red">Overdue</Badge>;
  const s = STATUS[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
