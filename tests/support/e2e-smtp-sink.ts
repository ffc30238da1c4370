import fs from "node:fs";
import path from "node:path";
import { startSmtpSink } from "./smtp-sink";

/**
 * The browser tests' mailbox: a real SMTP server the e2e app sends to (scripts/test-e2e.sh sets
 * SMTP_URL to it). Each message is written as JSON into E2E_MAIL_DIR, where tests/e2e/helpers.ts
 * (mailLink) reads links from it. Listens on E2E_SMTP_PORT (0: any free port) and writes the port
 * it got to `<dir>/port`.
 */
const dir = process.env.E2E_MAIL_DIR;
if (!dir) throw new Error("E2E_MAIL_DIR is not set");
fs.mkdirSync(dir, { recursive: true });
let n = 0;
const sink = await startSmtpSink({
  port: Number(process.env.E2E_SMTP_PORT ?? 0),
  onMessage: (m) => {
    const file = path.join(dir, `${Date.now()}-${String(n++).padStart(5, "0")}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(m));
    fs.renameSync(`${file}.tmp`, file);
  },
});
fs.writeFileSync(path.join(dir, "port"), String(sink.port));
process.on("SIGTERM", () => void sink.close().then(() => process.exit(0)));
