import { inflateSync } from "node:zlib";

/**
 * The text drawn on a PDF made by pdf-lib with its standard fonts, one string per text operator,
 * in drawing order: content streams are inflated when compressed, and the hex strings pdf-lib
 * writes (`<48656C6C6F> Tj`) decoded as WinAnsi. Enough to read our own invoices in tests.
 */
export function pdfText(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf);
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf("stream", at, "latin1");
    if (start < 0) break;
    const bodyStart = raw[start + 6] === 0x0d ? start + 8 : start + 7;
    const end = raw.indexOf("endstream", bodyStart, "latin1");
    if (end < 0) break;
    const body = raw.subarray(bodyStart, end);
    let text: string;
    try {
      text = inflateSync(body).toString("latin1");
    } catch {
      text = body.toString("latin1");
    }
    for (const m of text.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) out.push(Buffer.from(m[1]!, "hex").toString("latin1"));
    for (const m of text.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) out.push(m[1]!.replace(/\\(.)/g, "$1"));
    at = end + 9;
  }
  return out;
}
