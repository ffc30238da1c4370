import type { MailContent } from "./message";

const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** The one email layout: inline styles only (mail apps drop stylesheets), a table for the facts. */
export function MailLayout({ content }: { content: MailContent }) {
  return (
    <html lang="en">
      {/* eslint-disable-next-line @next/next/no-head-element -- an email document, not a Next page */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>{content.subject}</title>
      </head>
      <body style={{ margin: 0, padding: "24px 12px", background: "#f4f4f5", fontFamily: font, color: "#18181b" }}>
        <div style={{ display: "none", maxHeight: 0, overflow: "hidden" }}>{content.preview}</div>
        <div style={{ maxWidth: 560, margin: "0 auto", background: "#ffffff", borderRadius: 12, padding: 28 }}>
          <p style={{ margin: 0, fontSize: 13, fontWeight: 600, color: "#4f46e5" }}>AgentBill</p>
          <h1 style={{ margin: "8px 0 16px", fontSize: 20, lineHeight: 1.3 }}>{content.heading}</h1>
          {content.blocks.map((b, i) => {
            if (b.kind === "p")
              return (
                <p key={i} style={{ fontSize: 15, lineHeight: 1.55, margin: "0 0 14px" }}>
                  {b.text}
                </p>
              );
            if (b.kind === "facts")
              return (
                <table key={i} role="presentation" style={{ width: "100%", fontSize: 14, margin: "0 0 16px" }}>
                  <tbody>
                    {b.rows.map(([k, v]) => (
                      <tr key={k}>
                        <td style={{ color: "#52525b", padding: "4px 12px 4px 0" }}>{k}</td>
                        <td style={{ fontWeight: 600, padding: "4px 0", textAlign: "right" }}>{v}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              );
            return (
              <p key={i} style={{ margin: "8px 0 20px" }}>
                <a
                  href={b.url}
                  style={{
                    display: "inline-block",
                    background: "#4f46e5",
                    color: "#ffffff",
                    padding: "10px 18px",
                    borderRadius: 8,
                    fontWeight: 600,
                    textDecoration: "none",
                  }}
                >
                  {b.label}
                </a>
                <br />
                <span style={{ fontSize: 12, color: "#71717a", wordBreak: "break-all" }}>{b.url}</span>
              </p>
            );
          })}
          <p style={{ fontSize: 12, color: "#71717a", borderTop: "1px solid #e4e4e7", paddingTop: 12, marginTop: 20 }}>
            {content.footer}
          </p>
        </div>
      </body>
    </html>
  );
}
