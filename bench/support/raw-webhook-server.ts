/**
 * The webhook bench's raw baseline: plain node:http that verifies the Stripe signature and stores
 * the event with the same INSERT as the app's receiver (lib/webhooks/record.ts: the same group
 * commit), then answers 200.
 * No Hono, no Next, no custom server, no worker. PORT, DATABASE_URL and STRIPE_WEBHOOK_SECRET from
 * the environment; prints "listening" when ready.
 */
import http from "node:http";
import { openDatabase } from "../../db/connect";
import { AppError } from "../../lib/errors";
import { verifyStripeWebhook } from "../../lib/stripe/webhooks";
import { recordStripeEventGrouped } from "../../lib/webhooks/record";

const database = await openDatabase({ url: process.env.DATABASE_URL!, max: 10 });
const secret = process.env.STRIPE_WEBHOOK_SECRET!;

const reply = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    const header = req.headers["stripe-signature"];
    let event;
    try {
      event = verifyStripeWebhook(raw, typeof header === "string" ? header : null, secret);
    } catch (err) {
      return reply(res, err instanceof AppError ? err.status : 500, { error: String(err) });
    }
    recordStripeEventGrouped(database.db, event, raw).then(
      (outcome) => reply(res, 200, { received: true, outcome }),
      (err: unknown) => reply(res, 500, { error: String(err) }),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
