/**
 * npm run bench:webhooks -- --chaos — issue 13's chaos run, in full.
 *
 * Real history in a Stripe emulator this run owns (webhooks off): CHAOS_ORGS organizations (56
 * by default), spread over the scenarios of tests/support/webhook-chaos.ts (failed renewals,
 * seats declined, card switches, past due recovered, two open invoices one paid, cancellations,
 * incomplete first invoices, cancellations resumed). Its events are then delivered signed to the
 * built app (`npm start`'s server) on a fresh PostgreSQL database, at concurrency 16 with 30%
 * duplicates and 20% reordered, every non-2xx delivered again as Stripe would; a third of the way
 * through the app is killed (SIGKILL) and started again, two thirds through every database
 * connection of the app is dropped. Once the app's worker has applied everything, our state is
 * compared with Stripe's field by field. Exit code 1 on any difference.
 */
import os from "node:os";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { stripeEvents } from "../db/schema";
import { rowsOf } from "../db/types";
import { syncPlanCatalog } from "../lib/plans/sync";
import { createStripeClient, type Stripe } from "../lib/stripe/client";
import { startEmulator } from "@agentbill/stripe-emulator";
import { signWebhookPayload } from "../lib/stripe/webhooks";
import {
  chaosSchedule,
  compareWithStripe,
  makeScenario,
  SCENARIOS,
  seededRandom,
  type ChaosCase,
} from "../tests/support/webhook-chaos";
import { BENCH_SECRETS } from "./ingest-support";
import { freshDatabase, pool, startApp } from "./support/harness";

const ORGS = Number(process.env.CHAOS_ORGS ?? 56);
const CONCURRENCY = 16;
const PORT = Number(process.env.BENCH_PORT ?? 3611);
const t0 = Date.now();

const { database, url, drop } = await freshDatabase("chaos");
const emulator = await startEmulator({ port: 0, webhookSecret: BENCH_SECRETS.STRIPE_WEBHOOK_SECRET });
const stripe = createStripeClient({ kind: "emulator", port: emulator.port });
const admin = postgres(url, { max: 1, onnotice: () => {} });
let app: Awaited<ReturnType<typeof startApp>> | null = null;

try {
  const db = database.db;
  await syncPlanCatalog(db);

  // 1. History.
  const cases: ChaosCase[] = [];
  for (let i = 0; i < ORGS; i++) cases.push(await makeScenario(db, stripe, SCENARIOS[i % SCENARIOS.length]!, i));
  const events: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) events.push(e);
  events.reverse();
  const schedule = chaosSchedule(events, seededRandom(13), { duplicates: 0.3, reordered: 0.2 });
  console.log(
    `history: ${cases.length} organizations, ${events.length} events (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );

  // 2. Delivery with faults.
  const appEnv = { DATABASE_URL: url, STRIPE_EMULATOR_PORT: String(emulator.port) };
  app = await startApp({ port: PORT, env: appEnv, distDir: process.env.BENCH_DIST_DIR });
  let non2xx = 0;
  let refused = 0;
  const send = async (e: Stripe.Event) => {
    const body = JSON.stringify(e);
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const res = await fetch(`http://127.0.0.1:${PORT}/api/webhooks/stripe`, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "stripe-signature": signWebhookPayload(body, BENCH_SECRETS.STRIPE_WEBHOOK_SECRET),
          },
          signal: AbortSignal.timeout(15_000),
        });
        await res.text();
        if (res.ok) return;
        non2xx++;
      } catch {
        refused++; // the app is down (killed) or cut the connection: Stripe retries later
      }
      await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * (attempt + 1))));
    }
    throw new Error(`event ${e.id} kept failing`);
  };
  const third = Math.ceil(schedule.length / 3);
  const started = performance.now();
  await pool(schedule.slice(0, third), CONCURRENCY, send);

  const second = pool(schedule.slice(third, 2 * third), CONCURRENCY, send);
  await new Promise((r) => setTimeout(r, 300));
  await app.kill();
  console.log("fault: the app was killed (SIGKILL) with deliveries in flight");
  app = await startApp({ port: PORT, env: appEnv, distDir: process.env.BENCH_DIST_DIR });
  await second;

  const third3 = pool(schedule.slice(2 * third), CONCURRENCY, send);
  await new Promise((r) => setTimeout(r, 300));
  const dropped = await admin<{ n: number }[]>`
    select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
    where datname = current_database() and application_name = 'agentbill' and pid <> pg_backend_pid()`;
  const n = dropped[0]?.n ?? 0;
  console.log(`fault: dropped ${n} database connections of the app with deliveries in flight`);
  await third3;
  const deliverySeconds = (performance.now() - started) / 1000;

  // 3. The app's own worker applies what is left (retries back off from 10 s).
  const deadline = Date.now() + 10 * 60_000;
  let counts: { status: string; n: number }[] = [];
  for (;;) {
    counts = rowsOf<{ status: string; n: number }>(
      await db.execute(sql`select status::text as status, count(*)::int as n from ${stripeEvents} group by 1`),
    );
    const open = counts.filter((c) => c.status === "pending" || c.status === "failed").reduce((s, c) => s + c.n, 0);
    if (open === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const appliedSeconds = (performance.now() - started) / 1000;

  // 4. Field by field.
  const problems = await compareWithStripe(db, stripe, cases);
  const stored = counts.reduce((s, c) => s + Number(c.n), 0);
  const distinct = new Set(events.map((e) => e.id)).size;
  if (stored !== distinct) problems.push(`stripe_events holds ${stored} rows for ${distinct} distinct events`);
  const open = counts.filter((c) => c.status === "pending" || c.status === "failed");
  if (open.length > 0) problems.push(`events not applied: ${JSON.stringify(open)}`);

  console.log("\nWebhook chaos (built app, real PostgreSQL, local Stripe emulator)");
  console.log(
    `  organizations ${cases.length} over ${SCENARIOS.length} scenarios, distinct events ${distinct}, deliveries ${schedule.length} (30% duplicates, 20% reordered), concurrency ${CONCURRENCY}`,
  );
  console.log(`  faults        app killed (SIGKILL) and restarted; ${n} database connections dropped`);
  console.log(`  answers       ${non2xx} non-2xx, ${refused} refused or cut off: all delivered again`);
  console.log(
    `  time          deliveries ${deliverySeconds.toFixed(1)} s, everything applied after ${appliedSeconds.toFixed(1)} s; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(`  event rows    ${JSON.stringify(Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])))}`);
  console.log(
    `  final state   ${problems.length === 0 ? "equal to Stripe's, field by field, for every organization; no event applied twice" : `${problems.length} DIFFERENCES`}`,
  );
  for (const p of problems.slice(0, 20)) console.log(`    - ${p}`);
  console.log(`  (whole run ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await app?.stop();
  await admin.end({ timeout: 5 });
  await emulator.stop();
  await drop();
}
