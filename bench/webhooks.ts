/**
 * npm run bench:webhooks — the webhook endpoint under Stripe-like delivery.
 *
 * Real objects are made in a local Stripe emulator that this bench owns (webhooks off); its real
 * events are then delivered to the built app on a fresh PostgreSQL database, signed, at
 * concurrency 16, with 30% duplicates and 20% out of order. The app uses the same emulator to
 * re-read objects. At the end our rows must equal Stripe's, every event exactly once.
 */
import os from "node:os";
import { eq, sql } from "drizzle-orm";
import { invoiceLines, invoices, organizations, stripeEvents, subscriptions } from "../db/schema";
import { syncPlanCatalog } from "../lib/plans/sync";
import { rowsOf } from "../db/types";
import { ensureStripePrices } from "../lib/billing/stripe-catalog";
import { calendarMonth } from "../lib/plans/period";
import { createStripeClient, type Stripe } from "../lib/stripe/client";
import { startEmulator } from "@agentbill/stripe-emulator";
import { signWebhookPayload } from "../lib/stripe/webhooks";
import { BENCH_SECRETS } from "./ingest-support";
import { freshDatabase, percentile, pool, seeded, startApp } from "./support/harness";

const TOTAL = Number(process.env.BENCH_EVENTS ?? 5_000);
const CONCURRENCY = 16;
const DUPLICATE_SHARE = 0.3;
const OUT_OF_ORDER_SHARE = 0.2;
const PORT = Number(process.env.BENCH_PORT ?? 3610);

const rand = seeded(42);
const t0 = Date.now();
const { database, url, drop } = await freshDatabase("webhooks");
const emulator = await startEmulator({ port: 0, webhookSecret: BENCH_SECRETS.STRIPE_WEBHOOK_SECRET });
const stripe = createStripeClient({ kind: "emulator", port: emulator.port });
let app: Awaited<ReturnType<typeof startApp>> | null = null;

try {
  const db = database.db;
  await syncPlanCatalog(db);
  const pro = await ensureStripePrices(db, stripe, "pro");

  // 1. Real history in the emulator: enough organizations that the distinct events reach the target.
  const distinctTarget = Math.round(TOTAL * (1 - DUPLICATE_SHARE));
  const orgs: { id: string; customer: string; subscription: string }[] = [];
  const period = calendarMonth(new Date());
  let needed = 1;
  while (orgs.length < needed) {
    const slug = `bench-${orgs.length}`;
    const [org] = await db
      .insert(organizations)
      .values({ slug, name: `Bench ${orgs.length}` })
      .returning({ id: organizations.id });
    await db.insert(subscriptions).values({
      organizationId: org!.id,
      planId: "free",
      currentPeriodStart: period.start,
      currentPeriodEnd: period.end,
    });
    const customer = await stripe.customers.create({
      name: slug,
      metadata: { organization_id: org!.id },
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org!.id));
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: pro.stripePriceMonthlyId!, quantity: 1 + Math.floor(rand() * 4) }],
      metadata: { organization_id: org!.id },
    });
    // Changes after creation, so that order matters: seats up, then a scheduled cancellation for some.
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 6 }],
      proration_behavior: "create_prorations",
    });
    if (rand() < 0.5) await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    orgs.push({ id: org!.id, customer: customer.id, subscription: sub.id });
    if (orgs.length === 1) needed = Math.ceil(distinctTarget / (await countEvents(stripe))) + 1;
  }
  const events: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) events.push(e);
  events.reverse(); // oldest first, as Stripe would have sent them
  const distinct = events.slice(0, distinctTarget);

  // 2. The delivery schedule: duplicates and out-of-order deliveries mixed in.
  const schedule: Stripe.Event[] = [...distinct];
  while (schedule.length < TOTAL) schedule.push(distinct[Math.floor(rand() * distinct.length)]!);
  for (let k = schedule.length - 1; k > 0; k--) {
    // keep roughly time order but move OUT_OF_ORDER_SHARE of the deliveries elsewhere
    if (rand() < OUT_OF_ORDER_SHARE) {
      const j = Math.floor(rand() * schedule.length);
      [schedule[k], schedule[j]] = [schedule[j]!, schedule[k]!];
    }
  }

  // 3. The app, pointed at this database and this emulator (it finds the port taken and uses it).
  app = await startApp({ port: PORT, env: { DATABASE_URL: url, STRIPE_EMULATOR_PORT: String(emulator.port) } });
  const target = `${app.url}/api/webhooks/stripe`;
  let non2xx = 0;
  const send = async (e: Stripe.Event) => {
    const body = JSON.stringify(e);
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await fetch(target, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "stripe-signature": signWebhookPayload(body, BENCH_SECRETS.STRIPE_WEBHOOK_SECRET),
        },
      });
      await res.text();
      if (res.ok) return;
      non2xx++;
    }
    throw new Error(`event ${e.id} kept failing`);
  };
  await pool(schedule.slice(0, 50), 4, send); // warm-up (also part of the schedule's effects, delivered again below)
  const started = performance.now();
  const appCpu0 = app.cpuSeconds();
  const latencies = await pool(schedule, CONCURRENCY, send);
  const seconds = (performance.now() - started) / 1000;
  const appCpuMs = ((app.cpuSeconds() - appCpu0) * 1000) / schedule.length;

  // The ceiling of this machine for any route of the app: the same deliveries with a forged
  // signature, answered 400 after the signature check, without touching the database.
  const forged = async (e: Stripe.Event) => {
    const body = JSON.stringify(e);
    const res = await fetch(target, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "stripe-signature": signWebhookPayload(body, "whsec_forged_for_the_ceiling"),
      },
    });
    await res.text();
    if (res.status !== 400) throw new Error(`a forged delivery answered ${res.status}`);
  };
  const floorCpu0 = app.cpuSeconds();
  const floorStarted = performance.now();
  const floorLatencies = await pool(schedule, CONCURRENCY, forged);
  const floorSeconds = (performance.now() - floorStarted) / 1000;
  const floorCpuMs = ((app.cpuSeconds() - floorCpu0) * 1000) / schedule.length;

  // 4. Our state must equal Stripe's.
  const problems: string[] = [];
  for (const o of orgs) {
    const remote = await stripe.subscriptions.retrieve(o.subscription);
    const [local] = await db.select().from(subscriptions).where(eq(subscriptions.organizationId, o.id));
    const item = remote.items.data[0]!;
    const same =
      local?.stripeSubscriptionId === remote.id &&
      local.status === remote.status &&
      local.seats === item.quantity &&
      local.cancelAtPeriodEnd === remote.cancel_at_period_end &&
      local.currentPeriodEnd.getTime() === item.current_period_end * 1000;
    if (!same)
      problems.push(
        `subscription of ${o.id}: ours ${JSON.stringify({ s: local?.status, q: local?.seats, c: local?.cancelAtPeriodEnd })} vs Stripe ${JSON.stringify({ s: remote.status, q: item.quantity, c: remote.cancel_at_period_end })}`,
      );
    const remoteInvoices = (await stripe.invoices.list({ customer: o.customer, limit: 100 })).data;
    for (const ri of remoteInvoices) {
      const [li] = await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, ri.id!));
      if (!li) {
        problems.push(`invoice ${ri.id} missing`);
        continue;
      }
      if (li.status !== ri.status || li.amountPaidCents !== ri.amount_paid)
        problems.push(`invoice ${ri.id}: ours ${li.status}/${li.amountPaidCents} vs ${ri.status}/${ri.amount_paid}`);
      const [{ n }] = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from ${invoiceLines} where invoice_id = ${li.id}`),
      ) as [{ n: number }];
      if (Number(n) !== ri.lines.data.length)
        problems.push(`invoice ${ri.id}: ${n} lines, Stripe has ${ri.lines.data.length}`);
    }
  }
  const counts = rowsOf<{ status: string; n: number }>(
    await db.execute(sql`select status::text, count(*)::int as n from ${stripeEvents} group by status`),
  );
  const recorded = counts.reduce((n, c) => n + Number(c.n), 0);
  if (recorded !== distinct.length)
    problems.push(`stripe_events has ${recorded} rows for ${distinct.length} distinct events`);
  if (counts.some((c) => c.status === "failed" || c.status === "pending"))
    problems.push(`events not processed: ${JSON.stringify(counts)}`);

  console.log("\nWebhook benchmark (built app, real PostgreSQL, local Stripe emulator)");
  console.log(
    `  organizations ${orgs.length}, distinct events ${distinct.length}, deliveries ${schedule.length} (30% duplicates, ~20% out of order), concurrency ${CONCURRENCY}`,
  );
  console.log(`  throughput    ${Math.round(schedule.length / seconds)} events/s  (${seconds.toFixed(1)} s)`);
  console.log(
    `  latency       p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   max ${Math.max(...latencies).toFixed(1)} ms`,
  );
  console.log(
    `  app CPU       ${appCpuMs.toFixed(2)} ms per delivery (the app server process, whatever else the machine is doing); load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(
    `  ceiling       ${Math.round(schedule.length / floorSeconds)} requests/s, p50 ${percentile(floorLatencies, 50).toFixed(1)} ms, p99 ${percentile(floorLatencies, 99).toFixed(1)} ms, app CPU ${floorCpuMs.toFixed(2)} ms per request: the same deliveries with a forged signature (400 after the check, no database), i.e. the framework's own cost per request here`,
  );
  console.log(`  retried (non-2xx answers) ${non2xx}`);
  console.log(`  event rows    ${JSON.stringify(Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])))}`);
  console.log(
    `  final state   ${problems.length === 0 ? "equal to Stripe's for every subscription and invoice; no event applied twice" : `${problems.length} PROBLEMS`}`,
  );
  for (const p of problems.slice(0, 10)) console.log(`    - ${p}`);
  console.log(
    `  targets       ≥1000 events/s: ${schedule.length / seconds >= 1000 ? "met" : "NOT met"}; p99 < 50 ms: ${percentile(latencies, 99) < 50 ? "met" : "NOT met"}`,
  );
  console.log(`  (whole run ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
} finally {
  await app?.stop();
  await emulator.stop();
  await drop();
}

async function countEvents(s: Stripe): Promise<number> {
  let n = 0;
  for await (const event of s.events.list({ limit: 100 })) if (event.id) n++;
  return n;
}
