import { MailLayout } from "./layout";
import { toText, type MailContent, type RenderedMail } from "./message";

/** HTML (React, rendered on the server) and the plain-text part of one message. */
export async function renderMail(content: MailContent): Promise<RenderedMail> {
  // Loaded when a message is rendered (by the mail worker), never by pages or actions.
  const { renderToStaticMarkup } = await import("react-dom/server");
  const html = `<!doctype html>${renderToStaticMarkup(<MailLayout content={content} />)}`;
  return { subject: content.subject, html, text: toText(content) };
}
