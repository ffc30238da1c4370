import "server-only";
import { degrees, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { formatDate, formatDateRange } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { fmt, METRIC_LABEL, type Metric } from "@/lib/plans/limits";
import type { InvoiceDetail } from "./queries";
import { amountRemainingCents } from "./amounts";

export const SELLER = {
  name: "AgentBill Inc.",
  lines: ["548 Market Street, Suite 100", "San Francisco, CA 94104", "United States", "billing@agentbill.test"],
};

const INK = rgb(0.09, 0.09, 0.11);
const MUTED = rgb(0.42, 0.42, 0.46);
const RULE = rgb(0.85, 0.85, 0.88);
const ACCENT = rgb(0.31, 0.27, 0.9);

/** Our own PDF of an invoice: seller, customer, dates, lines, totals, usage breakdown, status. */
export async function renderInvoicePdf(detail: InvoiceDetail): Promise<Uint8Array> {
  const { invoice: inv, lines, organization, usage } = detail;
  const doc = await PDFDocument.create();
  doc.setTitle(`Invoice ${inv.number ?? inv.id}`);
  doc.setAuthor(SELLER.name);
  doc.setCreator("AgentBill");
  doc.setCreationDate(inv.issuedAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([612, 792]);
  const money = (cents: number) => formatMoney(cents, inv.currency);
  const left = 50;
  const right = 562;
  let y = 742;

  const text = (
    p: PDFPage,
    s: string,
    x: number,
    yy: number,
    opts: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; align?: "left" | "right" } = {},
  ) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 10;
    const str = encodable(font, s);
    const width = font.widthOfTextAtSize(str, size);
    p.drawText(str, { x: opts.align === "right" ? x - width : x, y: yy, size, font, color: opts.color ?? INK });
  };
  const ensureRoom = (needed: number) => {
    if (y - needed < 60) {
      page = doc.addPage([612, 792]);
      y = 742;
    }
  };

  text(page, SELLER.name, left, y, { font: bold, size: 16, color: ACCENT });
  text(page, "INVOICE", right, y, { font: bold, size: 20, align: "right" });
  y -= 18;
  for (const l of SELLER.lines) {
    text(page, l, left, y, { size: 9, color: MUTED });
    y -= 12;
  }
  let ry = 742 - 24;
  const meta: [string, string][] = [
    ["Invoice number", inv.number ?? "(draft)"],
    ["Issued", formatDate(inv.issuedAt)],
    ["Due", formatDate(inv.dueDate ?? inv.issuedAt)],
    ...(inv.periodStart && inv.periodEnd
      ? ([["Period", formatDateRange(inv.periodStart, inv.periodEnd)]] as [string, string][])
      : []),
    ["Status", inv.status.toUpperCase()],
  ];
  for (const [k, v] of meta) {
    text(page, k, right - 150, ry, { size: 9, color: MUTED, align: "right" });
    text(page, v, right, ry, { size: 9, font: bold, align: "right" });
    ry -= 13;
  }
  y = Math.min(y, ry) - 16;
  text(page, "Bill to", left, y, { size: 9, color: MUTED });
  y -= 14;
  text(page, organization.name, left, y, { font: bold, size: 11 });
  y -= 13;
  if (organization.billingEmail) text(page, organization.billingEmail, left, y, { size: 9, color: MUTED });
  y -= 30;

  // Lines
  const cols = { desc: left, qty: 370, unit: 460, amount: right };
  const header = () => {
    text(page, "Description", cols.desc, y, { size: 9, font: bold, color: MUTED });
    text(page, "Qty", cols.qty, y, { size: 9, font: bold, color: MUTED, align: "right" });
    text(page, "Unit price", cols.unit, y, { size: 9, font: bold, color: MUTED, align: "right" });
    text(page, "Amount", cols.amount, y, { size: 9, font: bold, color: MUTED, align: "right" });
    y -= 6;
    page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.7, color: RULE });
    y -= 14;
  };
  header();
  for (const line of lines) {
    ensureRoom(30);
    const wrapped = wrap(regular, line.description || "Item", 9.5, cols.qty - cols.desc - 50);
    wrapped.forEach((w, i) => text(page, w, cols.desc, y - i * 12, { size: 9.5 }));
    text(page, String(line.quantity), cols.qty, y, { size: 9.5, align: "right" });
    text(page, line.unitAmountCents === null ? "" : money(line.unitAmountCents), cols.unit, y, {
      size: 9.5,
      align: "right",
    });
    text(page, money(line.amountCents), cols.amount, y, { size: 9.5, align: "right" });
    y -= 12 * wrapped.length + 6;
  }
  if (lines.length === 0) {
    text(page, "No line items.", cols.desc, y, { size: 9.5, color: MUTED });
    y -= 18;
  }
  page.drawLine({ start: { x: 330, y: y + 4 }, end: { x: right, y: y + 4 }, thickness: 0.7, color: RULE });
  y -= 10;
  const totals: [string, number, boolean][] = [
    ["Subtotal", inv.subtotalCents, false],
    ["Tax", inv.taxCents, false],
    ["Total", inv.totalCents, true],
    ["Amount paid", inv.amountPaidCents, false],
    ["Amount due", amountRemainingCents(inv), true],
  ];
  for (const [label, cents, strong] of totals) {
    ensureRoom(16);
    text(page, label, cols.unit, y, { size: 10, font: strong ? bold : regular, align: "right" });
    text(page, money(cents), cols.amount, y, { size: 10, font: strong ? bold : regular, align: "right" });
    y -= 15;
  }

  // Usage breakdown
  if (usage) {
    y -= 16;
    ensureRoom(40 + usage.rows.length * 14);
    text(page, `Usage ${formatDateRange(usage.periodStart, usage.periodEnd)}`, left, y, { font: bold, size: 11 });
    y -= 16;
    text(page, "Metric", left, y, { size: 9, font: bold, color: MUTED });
    text(page, "Used", 370, y, { size: 9, font: bold, color: MUTED, align: "right" });
    text(page, "Limit", right, y, { size: 9, font: bold, color: MUTED, align: "right" });
    y -= 6;
    page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.7, color: RULE });
    y -= 13;
    for (const r of usage.rows) {
      const metric = r.metric as Metric;
      text(page, METRIC_LABEL[metric] ?? r.metric, left, y, { size: 9.5 });
      text(page, fmt(r.used, metric), 370, y, { size: 9.5, align: "right" });
      text(page, r.limit === null ? "Unlimited" : fmt(r.limit, metric), right, y, { size: 9.5, align: "right" });
      y -= 13;
    }
    for (const o of usage.overage) {
      text(page, `Overage: ${o.metric} × ${o.quantity.toLocaleString("en-US")}`, left, y, { size: 9.5 });
      text(page, money(o.amountCents), right, y, { size: 9.5, align: "right" });
      y -= 13;
    }
  }

  if (inv.status === "paid") {
    const first = doc.getPage(0);
    first.drawText("PAID", {
      x: 330,
      y: 560,
      size: 64,
      font: bold,
      color: rgb(0.05, 0.6, 0.35),
      opacity: 0.25,
      rotate: degrees(20),
    });
  }
  doc.getPages().forEach((p, i, all) => {
    const footer = `${SELLER.name} · Invoice ${inv.number ?? inv.id} · Page ${i + 1} of ${all.length}`;
    text(p, footer, left, 30, { size: 8, color: MUTED });
  });
  return doc.save();
}

/** Keep only what the standard font can encode (names in other scripts become "?"). */
function encodable(font: PDFFont, s: string): string {
  let out = "";
  for (const ch of s) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += "?";
    }
  }
  return out;
}

function wrap(font: PDFFont, s: string, size: number, width: number): string[] {
  const words = encodable(font, s).split(/\s+/);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (font.widthOfTextAtSize(next, size) > width && cur) {
      lines.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) lines.push(cur);
  return lines.slice(0, 4);
}
