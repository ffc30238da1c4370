import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { APP_CONNECTION_NAME, openDatabase, type Database } from "@/db/connect";
import { stripeEvents } from "@/db/schema";
import { rowsOf } from "@/db/types";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { signWebhookPayload } from "@/lib/stripe/webhooks";
import { drainStripeEvents } from "@/lib/webhooks";
import { startBillingEnv, type BillingEnv } from "../support/billing-env";
import { onRealPostgres } from "../support/db";
import { callApi } from "../support/api";
import {
  chaosSchedule,
  compareWithStripe,
  makeScenario,
  SCENARIOS,
  seededRandom,
  type ChaosCase,
} from "../support/webhook-chaos";

/**
 * Issue 13, the small chaos run of the integration tier: real emulator history of one
 * organization per scenario (failed renewal, seats declined, card switch, past due recovered,
 * two open invoices one paid, cancellation, incomplete first invoice, cancellation resumed) is
 * delivered signed to the app's webhook route with 30% duplicates and 20% reordered, at
 * concurrency 4, every non-2xx delivered again as Stripe would. Mid-run a worker dies with its
 * transaction (its connection terminated: a kill -9) and another takes over, and all of the
 * app's database connections are dropped. Our state must then equal Stripe's field by field.
 * The long version: `npm run bench:webhooks -- --chaos`.
 */
const real = onRealPostgres();

let env: BillingEnv;
let admin: postgres.Sql | null = null;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  env = await startBillingEnv({ deliverWebhooks: false });
  const url = (env.database as Database & { url?: string | null }).url;
  if (url) admin = postgres(url, { max: 1, onnotice: () => {} });
  process.on("uncaughtException", onUncaught);
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await admin?.end({ timeout: 5 });
  await env?.stop();
});

async function post(event: unknown): Promise<number> {
  const body = JSON.stringify(event);
  const res = await callApi(
    new Request("http://127.0.0.1/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signWebhookPayload(body, DEV_WEBHOOK_SECRET) },
      body,
    }),
  );
  await res.text();
  return res.status;
}

/** Deliver as Stripe does: until a 2xx answer (counting the others). */
async function deliver(event: unknown, stats: { non2xx: number }): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const status = await post(event).catch(() => 599);
    if (status >= 200 && status < 300) return;
    stats.non2xx++;
    await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
  }
  throw new Error("a delivery kept failing");
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * A second worker process: its own one-connection pool, killed (its backend terminated) while
 * it is inside the transaction that applies an event. Answers whether it died mid-transaction.
 */
async function workerKilledMidDrain(url: string): Promise<boolean> {
  const other: Database = await openDatabase({ url, max: 1 });
  try {
    const [{ pid }] = rowsOf<{ pid: number }>(await other.db.execute(sql`select pg_backend_pid() as pid`)) as [
      { pid: number },
    ];
    let died = false;
    const draining = drainStripeEvents(other.db, env.stripe, { budgetMs: 10_000 }).then(
      () => "drained",
      () => "died",
    );
    for (let i = 0; i < 400 && !died; i++) {
      const [row] = await admin!<{ xact: boolean }[]>`
        select xact_start is not null as xact from pg_stat_activity where pid = ${pid}`;
      if (row?.xact) {
        await admin!`select pg_terminate_backend(${pid})`;
        died = true;
      } else await new Promise((r) => setTimeout(r, 2));
    }
    return died && (await draining) === "died";
  } finally {
    await other.close().catch(() => {});
  }
}

async function dropAppConnections(): Promise<number> {
  const rows = await admin!<{ n: number }[]>`
    select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
    where datname = current_database() and application_name = ${APP_CONNECTION_NAME} and pid <> pg_backend_pid()`;
  return rows[0]!.n;
}

/** Drain until nothing is due, as the app's job would; a later clock lets backed-off retries run. */
async function drainAll(): Promise<void> {
  const later = () => new Date(Date.now() + 7 * 86_400_000);
  for (let round = 0; round < 50; round++) {
    const r = await drainStripeEvents(env.database.db, env.stripe, { budgetMs: 30_000, now: later }).catch(() => null);
    if (r && r.processed + r.failed === 0) return;
  }
}

describe("webhook chaos: real history, duplicates, reordering, a killed worker, dropped connections", () => {
  it("ends with our billing state equal to Stripe's, every event applied once", async () => {
    const cases: ChaosCase[] = [];
    for (const scenario of SCENARIOS) cases.push(await makeScenario(env.database.db, env.stripe, scenario));
    // The history is what each scenario says (Stripe's side).
    const statuses = Object.fromEntries(
      await Promise.all(
        cases.map(async (c) => [c.scenario, (await env.stripe.subscriptions.retrieve(c.subscription)).status]),
      ),
    );
    expect(statuses).toEqual({
      renewal_failed: "past_due",
      seats_declined: "active",
      card_switch: "active",
      past_due_recovered: "active",
      two_open_one_paid: "past_due",
      canceled_at_period_end: "canceled",
      incomplete_first_invoice: "incomplete",
      cancel_resumed: "active",
    });
    const events = await env.events();
    const distinct = new Set(events.map((e) => e.id)).size;
    expect(distinct).toBeGreaterThan(60);

    const schedule = chaosSchedule(events, seededRandom(13), { duplicates: 0.3, reordered: 0.2 });
    const stats = { non2xx: 0 };
    const third = Math.ceil(schedule.length / 3);

    // 1. A first third delivered and applied by the worker as it goes.
    await pool(schedule.slice(0, third), 4, (e) => deliver(e, stats));
    await env.drain();

    // 2. The second third; a worker dies mid-transaction and another takes over; all connections drop.
    const url = (env.database as Database & { url?: string | null }).url;
    const second = pool(schedule.slice(third, 2 * third), 4, (e) => deliver(e, stats));
    if (real && url) {
      expect(await workerKilledMidDrain(url)).toBe(true);
      expect(await dropAppConnections()).toBeGreaterThan(0);
    }
    await second;
    await drainAll();

    // 3. The rest, then everything left is applied.
    await pool(schedule.slice(2 * third), 4, (e) => deliver(e, stats));
    await drainAll();

    // The faults happened: deliveries were refused while the connections were down, or retried.
    if (real)
      console.log(
        `chaos: ${schedule.length} deliveries of ${distinct} events, ${stats.non2xx} answered non-2xx and delivered again`,
      );
    const problems = await compareWithStripe(env.database.db, env.stripe, cases);
    expect(problems).toEqual([]);
    const counts = rowsOf<{ status: string; n: number }>(
      await env.database.db.execute(
        sql`select status::text as status, count(*)::int as n from ${stripeEvents} group by 1`,
      ),
    );
    expect(counts.reduce((n, c) => n + Number(c.n), 0)).toBe(distinct);
    expect(counts.filter((c) => c.status === "pending" || c.status === "failed")).toEqual([]);
    expect(uncaught).toEqual([]);
  });
});
