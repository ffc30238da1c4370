/**
 * A message as our templates describe it: what it says, in order, and at most one button.
 * The layout (layout.tsx) renders it to HTML with React; `toText` gives the plain-text part from
 * the same description, so the two never say different things.
 */
export type MailBlock =
  | { kind: "p"; text: string }
  | { kind: "facts"; rows: [label: string, value: string][] }
  | { kind: "link"; label: string; url: string };

export type MailContent = {
  subject: string;
  /** The first line mail apps show in the list. */
  preview: string;
  heading: string;
  blocks: MailBlock[];
  /** Why they got it (the last line). */
  footer: string;
};

export type RenderedMail = { subject: string; html: string; text: string };

export function toText(m: MailContent): string {
  const out: string[] = [m.heading, ""];
  for (const b of m.blocks) {
    if (b.kind === "p") out.push(b.text, "");
    else if (b.kind === "facts") out.push(...b.rows.map(([k, v]) => `${k}: ${v}`), "");
    else out.push(`${b.label}: ${b.url}`, "");
  }
  out.push("—", m.footer);
  return out.join("\n");
}
