import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server in the test process (smtp-server) that parses what arrives (mailparser):
 * the app's nodemailer transport talks to it exactly as it would to a provider.
 */
export type SinkMessage = { to: string[]; from: string; subject: string; text: string; html: string; links: string[] };

export type SmtpSink = {
  url: string;
  port: number;
  messages: SinkMessage[];
  /** Refuse the next `n` messages with a 451 (a temporary failure). */
  refuse: (n: number) => void;
  /** The first message matching, waiting for it up to `timeoutMs`. */
  waitFor: (match: (m: SinkMessage) => boolean, timeoutMs?: number) => Promise<SinkMessage>;
  close: () => Promise<void>;
};

export function linksOf(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
}

export async function startSmtpSink(
  opts: { port?: number; onMessage?: (m: SinkMessage) => void } = {},
): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      if (refusals > 0) {
        refusals--;
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("Try again later"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          const addresses = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
            a.value.map((v) => v.address ?? ""),
          );
          const text = mail.text ?? "";
          const message: SinkMessage = {
            to: addresses,
            from: mail.from?.value[0]?.address ?? "",
            subject: mail.subject ?? "",
            text,
            html: typeof mail.html === "string" ? mail.html : "",
            links: linksOf(text),
          };
          messages.push(message);
          opts.onMessage?.(message);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refuse: (n) => {
      refusals = n;
    },
    async waitFor(match, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = messages.find(match);
        if (m) return m;
        if (Date.now() > until) throw new Error(`No message arrived that matched within ${timeoutMs} ms.`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
