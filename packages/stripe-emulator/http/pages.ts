import { formatMoney } from "../billing/money";
import type { WCharge, WInvoice } from "../core/wire";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const date = (unix: number | null | undefined) => (unix ? new Date(unix * 1000).toISOString().slice(0, 10) : "—");

function invoiceTextLines(inv: WInvoice): string[] {
  const money = (n: number) => formatMoney(n, inv.currency);
  return [
    `Invoice ${inv.number ?? inv.id}`,
    `Status: ${inv.status ?? "draft"}`,
    `Customer: ${inv.customer_name ?? inv.customer_email ?? String(inv.customer)}`,
    `Date: ${date(inv.created)}`,
    "",
    ...inv.lines.data.map((l) => `${l.description ?? ""}  ${money(l.amount)}`),
    "",
    `Subtotal: ${money(inv.subtotal)}`,
    `Total: ${money(inv.total)}`,
    `Amount paid: ${money(inv.amount_paid)}`,
    `Amount due: ${money(inv.amount_remaining)}`,
  ];
}

export function invoiceHtml(inv: WInvoice): string {
  const money = (n: number) => esc(formatMoney(n, inv.currency));
  const rows = inv.lines.data
    .map((l) => `<tr><td>${esc(l.description ?? "")}</td><td style="text-align:right">${money(l.amount)}</td></tr>`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(inv.number ?? inv.id)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto">
<p><small>Stripe emulator — hosted invoice page</small></p>
<h1>Invoice ${esc(inv.number ?? inv.id)}</h1>
<p>Status: <strong data-status="${esc(inv.status ?? "draft")}">${esc(inv.status ?? "draft")}</strong> · Created ${date(inv.created)}</p>
<table style="width:100%;border-collapse:collapse">${rows}
<tr><th style="text-align:left">Total</th><th style="text-align:right">${money(inv.total)}</th></tr>
<tr><td>Amount paid</td><td style="text-align:right">${money(inv.amount_paid)}</td></tr>
<tr><td>Amount due</td><td style="text-align:right">${money(inv.amount_remaining)}</td></tr></table>
<p><a href="${esc(inv.invoice_pdf ?? "#")}">Download PDF</a></p></body></html>`;
}

export function receiptHtml(charge: WCharge): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt ${esc(charge.id)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto">
<h1>Receipt</h1><p>${esc(formatMoney(charge.amount, charge.currency))} — ${esc(charge.status)} — ${date(charge.created)}</p></body></html>`;
}

/** A one-page PDF (Helvetica, Latin-1 text) built by hand: no dependency needed. */
export function invoicePdf(inv: WInvoice): Buffer {
  const pdfText = (s: string) =>
    s
      .replace(/×/g, "x")
      .replace(/[^\x20-\x7e]/g, "?")
      .replace(/([\\()])/g, "\\$1");
  const body = invoiceTextLines(inv)
    .map((line, i) => `${i === 0 ? "" : "T* "}(${pdfText(line)}) Tj`)
    .join("\n");
  const stream = `BT /F1 11 Tf 56 760 Td 16 TL\n${body}\nET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
