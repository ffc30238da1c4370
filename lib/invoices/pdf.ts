import "server-only";
import { degrees, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { formatDate, formatDateRange } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { fmt, METRIC_LABEL } from "@/lib/plans";
import { noteText, periodText, statusText, type DocumentParty, type InvoiceDocument } from "./document";
import { overageText, usagePeriodCaption } from "./usage-text";

const INK = rgb(0.09, 0.09, 0.11);
const MUTED = rgb(0.42, 0.42, 0.46);
const RULE = rgb(0.85, 0.85, 0.88);
const ACCENT = rgb(0.31, 0.27, 0.9);
const CREDIT = rgb(0.02, 0.47, 0.34);

/** Our own PDF of an invoice: the same document the invoice page shows (lib/invoices/document.ts). */
export async function renderInvoicePdf(d: InvoiceDocument, now = new Date()): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const title = d.kind === "credit" ? "CREDIT" : "INVOICE";
  doc.setTitle(`${d.kind === "credit" ? "Credit" : "Invoice"} ${d.number ?? d.id}`);
  doc.setAuthor(d.seller.name);
  doc.setCreator("AgentBill");
  doc.setCreationDate(d.issuedAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([612, 792]);
  const money = (cents: number) => formatMoney(cents, d.currency);
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
  const partyLines = (p: DocumentParty) => [
    ...p.addressLines,
    ...(p.email ? [p.email] : []),
    ...(p.taxId ? [`${p.taxId.label}: ${p.taxId.value}`] : []),
  ];

  // Seller (from configuration) and the document's facts.
  text(page, d.seller.name, left, y, { font: bold, size: 16, color: ACCENT });
  text(page, title, right, y, { font: bold, size: 20, align: "right" });
  y -= 18;
  for (const l of partyLines(d.seller)) {
    text(page, l, left, y, { size: 9, color: MUTED });
    y -= 12;
  }
  let ry = 742 - 24;
  const meta: [string, string][] = [
    ["Number", d.number ?? "(draft)"],
    ["Issued", formatDate(d.issuedAt)],
    ["Due", d.kind === "credit" ? "Nothing to pay" : formatDate(d.dueDate ?? d.issuedAt)],
    ...(d.periodStart && d.periodEnd
      ? ([["Period", periodText(d.periodStart, d.periodEnd)]] as [string, string][])
      : []),
    [
      "Status",
      statusText(
        { status: d.status, totalCents: d.totals.find((t) => t.key === "total")!.cents, dueDate: d.dueDate },
        now,
      ).label,
    ],
  ];
  for (const [k, v] of meta) {
    text(page, k, right - 150, ry, { size: 9, color: MUTED, align: "right" });
    text(page, v, right, ry, { size: 9, font: bold, align: "right" });
    ry -= 13;
  }
  y = Math.min(y, ry) - 16;
  text(page, "Bill to", left, y, { size: 9, color: MUTED });
  y -= 14;
  text(page, d.customer.name, left, y, { font: bold, size: 11 });
  y -= 13;
  for (const l of partyLines(d.customer)) {
    text(page, l, left, y, { size: 9, color: MUTED });
    y -= 12;
  }
  if (d.memo) {
    y -= 4;
    for (const w of wrap(regular, d.memo, 9, right - left)) {
      text(page, w, left, y, { size: 9, color: MUTED });
      y -= 12;
    }
  }
  y -= 18;

  // Lines: a unit price only where unit × quantity is the amount.
  const cols = { desc: left, qty: 370, unit: 460, amount: right };
  text(page, "Description", cols.desc, y, { size: 9, font: bold, color: MUTED });
  text(page, "Qty", cols.qty, y, { size: 9, font: bold, color: MUTED, align: "right" });
  text(page, "Unit price", cols.unit, y, { size: 9, font: bold, color: MUTED, align: "right" });
  text(page, "Amount", cols.amount, y, { size: 9, font: bold, color: MUTED, align: "right" });
  y -= 6;
  page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.7, color: RULE });
  y -= 14;
  for (const line of d.lines) {
    const wrapped = wrap(regular, line.description, 9.5, cols.qty - cols.desc - 50);
    const sub = [
      line.periodStart && line.periodEnd ? formatDateRange(line.periodStart, line.periodEnd) : null,
      line.proration ? "prorated" : null,
    ]
      .filter(Boolean)
      .join(" · ");
    ensureRoom(12 * wrapped.length + (sub ? 11 : 0) + 8);
    wrapped.forEach((w, i) => text(page, w, cols.desc, y - i * 12, { size: 9.5 }));
    text(page, String(line.quantity), cols.qty, y, { size: 9.5, align: "right" });
    text(page, line.unitCents === null ? "" : money(line.unitCents), cols.unit, y, { size: 9.5, align: "right" });
    text(page, money(line.amountCents), cols.amount, y, {
      size: 9.5,
      align: "right",
      color: line.amountCents < 0 ? CREDIT : INK,
    });
    y -= 12 * wrapped.length;
    if (sub) {
      text(page, sub, cols.desc, y + 1, { size: 8, color: MUTED });
      y -= 11;
    }
    y -= 6;
  }
  if (d.lines.length === 0) {
    text(page, "No line items.", cols.desc, y, { size: 9.5, color: MUTED });
    y -= 18;
  }
  page.drawLine({ start: { x: 330, y: y + 4 }, end: { x: right, y: y + 4 }, thickness: 0.7, color: RULE });
  y -= 10;
  for (const t of d.totals) {
    ensureRoom(16);
    text(page, t.label, cols.unit, y, { size: 10, font: t.strong ? bold : regular, align: "right" });
    text(page, money(t.cents), cols.amount, y, { size: 10, font: t.strong ? bold : regular, align: "right" });
    y -= 15;
  }
  const note = noteText(d);
  if (note) {
    y -= 4;
    for (const w of wrap(regular, note, 9.5, right - left)) {
      ensureRoom(14);
      text(page, w, left, y, { size: 9.5, color: CREDIT });
      y -= 12;
    }
  }

  // The usage of the billed period, each usage period against the limits then in force.
  if (d.usage && d.usage.periods.length > 0) {
    y -= 16;
    ensureRoom(30);
    text(page, `Usage in the billed period ${periodText(d.usage.billedStart, d.usage.billedEnd)}`, left, y, {
      font: bold,
      size: 11,
    });
    y -= 16;
    for (const p of d.usage.periods) {
      ensureRoom(40 + p.rows.length * 13);
      text(page, usagePeriodCaption(p, now), left, y, { size: 9, color: MUTED });
      y -= 14;
      text(page, "Metric", left, y, { size: 9, font: bold, color: MUTED });
      text(page, "Used", 370, y, { size: 9, font: bold, color: MUTED, align: "right" });
      text(page, "Limit", right, y, { size: 9, font: bold, color: MUTED, align: "right" });
      y -= 6;
      page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.7, color: RULE });
      y -= 13;
      for (const r of p.rows) {
        text(page, METRIC_LABEL[r.metric], left, y, { size: 9.5 });
        text(page, fmt(r.used, r.metric), 370, y, { size: 9.5, align: "right" });
        text(
          page,
          !p.limitsKnown ? "not recorded" : r.limit === null ? "Unlimited" : fmt(r.limit, r.metric),
          right,
          y,
          {
            size: 9.5,
            align: "right",
          },
        );
        y -= 13;
      }
      for (const o of p.overage) {
        ensureRoom(14);
        text(page, overageText(o, d.currency), left, y, { size: 9.5 });
        text(page, money(o.amountCents), right, y, { size: 9.5, align: "right" });
        y -= 13;
      }
      y -= 8;
    }
  }

  if (d.status === "paid" && d.kind === "invoice") {
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
    const footer = `${d.seller.name} · ${d.kind === "credit" ? "Credit" : "Invoice"} ${d.number ?? d.id} · Page ${i + 1} of ${all.length}`;
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
