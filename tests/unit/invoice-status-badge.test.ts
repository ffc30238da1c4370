import type { InvoiceStatus } from "@/db/schema";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InvoiceStatusBadge } from "@/components/invoices/invoice-status-badge";

/** The invoice status badge: Stripe's statuses in words, and "Overdue" only for an open invoice past its due date. */
const now = new Date("2026-11-24T12:00:00Z");
const badge = (status: InvoiceStatus, dueDate: Date | null) =>
  renderToStaticMarkup(createElement(InvoiceStatusBadge, { status, dueDate, now }));
const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("InvoiceStatusBadge", () => {
  it("names each status", () => {
    expect((["paid", "open", "draft", "void", "uncollectible"] as const).map((s) => text(badge(s, null)))).toEqual([
      "Paid",
      "Open",
      "Draft",
      "Void",
      "Uncollectible",
    ]);
  });

  it("says Overdue for an open invoice past its due date, and only then", () => {
    const yesterday = new Date(now.getTime() - 86_400_000);
    const tomorrow = new Date(now.getTime() + 86_400_000);
    expect(text(badge("open", yesterday))).toBe("Overdue");
    expect(text(badge("open", tomorrow))).toBe("Open");
    // Charged automatically (Stripe's subscription invoices): no due date, never "Overdue".
    expect(text(badge("open", null))).toBe("Open");
    expect(text(badge("paid", yesterday))).toBe("Paid");
  });

  it("shows a status it doesn't know as it is, not as something else", () => {
    expect(text(badge("partially_refunded" as InvoiceStatus, null))).toBe("partially_refunded");
  });
});
