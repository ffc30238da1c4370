/**
 * npm run bench:webhooks — the Stripe webhook receiver and its worker at issue 15's rate.
 *
 * 1. History: BENCH_ORGS organizations (default 240) over the chaos scenarios of
 *    tests/support/webhook-chaos.ts, made through the SDK in a local Stripe emulator running in a
 *    process of its own (bench/support/emulator-server.ts; webhooks off). Its real events, every
 *    one at least once, plus Stripe-like redeliveries of the same events (real ids and payloads)
 *    and ~20% reordered, make the delivery schedule: BENCH_WEBHOOK_RATE × BENCH_SECONDS
 *    deliveries (default 2,000/s × 10 s).
 * 2. Open loop, signed (signatures made before the clock starts), latency measured from each
 *    delivery's scheduled time (no coordinated omission), against two servers in the same run:
 *    - raw: plain node:http that verifies the signature and does the same INSERT
 *      (bench/support/raw-webhook-server.ts, its own database);
 *    - app: `npm start`'s server (dist/server.cjs, Hono route, production build in .next-bench),
 *      its worker draining as it would in production.
 *    For each: achieved rate, p50/p99/max, non-2xx, accepted deliveries whose event is stored
 *    (durable: checked in the database after the answer), CPU of the server process per delivery.
 * 3. The worker: how long until every stored event is applied, events/s from the first to the
 *    last applied, and the backlog it had when the deliveries stopped; worker CPU per event.
 * 4. Final state compared with Stripe's per organization, field by field (compareWithStripe),
 *    and every event stored exactly once. Exit code 1 on any difference.
 * Targets (issue 15): every delivery accepted and stored; p99 < 100 ms; drain ≥ 500 events/s;
 * final state = Stripe's. The machine is shared: every figure comes with the load average, and
 * the app/raw ratio of the same run is the figure to compare across runs.
 * BENCH_WORKER=paused: the bench holds the worker's job lock (as another instance leading the job
 * would) while the app receives, so the receiver is measured alone, as the raw server is, and the
 * worker then drains the whole backlog: its capacity, not the arrival rate of new events (with
 * the worker running and keeping up, events/s from first to last applied is at most that rate).
 * Ports: BENCH_PORT, BENCH_RAW_PORT, BENCH_EMULATOR_PORT (free ones when unset).
 * `npm run bench:webhooks -- --chaos`: issue 13's chaos run instead (bench/webhooks-chaos.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { stripeEvents } from "../db/schema";
import { rowsOf, type Db } from "../db/types";
import { LOCK_JOBS } from "../lib/jobs/runner";
import { syncPlanCatalog } from "../lib/plans/sync";
import { createStripeClient, type Stripe } from "../lib/stripe/client";
import { signWebhookPayload } from "../lib/stripe/webhooks";
import { WEBHOOK_JOB } from "../lib/webhooks/worker";
import { chaosSchedule, compareWithStripe, SCENARIOS, seededRandom } from "../tests/support/webhook-chaos";
import { BENCH_SECRETS, freePort } from "./ingest-support";
import { freshDatabase, percentile, processCpuSeconds, startApp } from "./support/harness";
import { buildWebhookHistory } from "./support/webhook-history";

if (process.argv.includes("--chaos")) {
  await import("./webhooks-chaos");
  process.exit(process.exitCode ?? 0);
}

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ORGS = Number(process.env.BENCH_ORGS ?? 240);
const WARMUP = 300;
const PAUSED = process.env.BENCH_WORKER === "paused";
const SECRET = BENCH_SECRETS.STRIPE_WEBHOOK_SECRET;
const t0 = Date.now();

const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${os.cpus().length} cores`;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(0)} s`;

/** A child process that prints "listening" when ready; its pid is the process doing the work. */
async function startChild(
  script: string,
  env: Record<string, string>,
): Promise<{ pid: number; stop(): Promise<void> }> {
  // BENCH_CPU_PROFILE=<dir>: V8 CPU profiles of the servers (this one too) written there when they stop.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, "--conditions=react-server", "--import", "tsx", script],
    {
      env: { ...process.env, ...BENCH_SECRETS, NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}`)));
  });
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

type Delivery = { id: string; body: Buffer; signature: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POST one signed delivery; resolves with the status (0: no answer). */
function deliver(port: number, d: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/webhooks/stripe",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": d.body.length,
          "stripe-signature": d.signature,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(d.body);
  });
}

type Run = { rate: number; latencies: number[]; accepted: Set<string>; refused: Delivery[]; cpuMs: number };

/** Open loop: delivery i is due at start + i/RATE whatever happened before; latency from then. */
async function openLoop(port: number, deliveries: Delivery[], cpuSeconds: () => number): Promise<Run> {
  const latencies: number[] = [];
  const accepted = new Set<string>();
  const refused: Delivery[] = [];
  const cpu0 = cpuSeconds();
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < deliveries.length; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const d = deliveries[i]!;
    // From the scheduled time when sent late; from the send when a timer fired early.
    const from = Math.min(due, performance.now());
    inflight.push(
      deliver(port, d).then((status) => {
        latencies.push(performance.now() - from);
        if (status === 200) accepted.add(d.id);
        else refused.push(d);
      }),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  const cpuMs = ((cpuSeconds() - cpu0) * 1000) / deliveries.length;
  return { rate: deliveries.length / elapsed, latencies, accepted, refused, cpuMs };
}

/** Accepted events that are in the database (an accepted delivery must be durable). */
async function storedOf(db: Db, ids: Set<string>): Promise<number> {
  const list = [...ids];
  let n = 0;
  for (let i = 0; i < list.length; i += 5_000) {
    const [row] = rowsOf<{ n: number }>(
      await db.execute(
        sql`select count(*)::int as n from ${stripeEvents} where id = any(${`{${list.slice(i, i + 5_000).join(",")}}`}::text[])`,
      ),
    );
    n += Number(row?.n ?? 0);
  }
  return n;
}

async function openEvents(db: Db): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from ${stripeEvents} where status in ('pending', 'failed')`),
  );
  return Number(row?.n ?? 0);
}

/** Failures the worker records (each event's last error, as long as it stands: a later success clears it), sampled every 100 ms. */
function sampleFailures(db: Db): { errors: Map<string, string>; stop(): void } {
  const errors = new Map<string, string>();
  let on = true;
  void (async () => {
    while (on) {
      const rows = rowsOf<{ id: string; error: string }>(
        await db
          .execute(sql`select id, last_error as error from ${stripeEvents} where last_error is not null`)
          .catch(() => []),
      );
      for (const r of rows) errors.set(r.id, r.error);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { errors, stop: () => void (on = false) };
}

async function waitDrained(db: Db, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await openEvents(db)) === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function main() {
  const main = await freshDatabase("webhookbench");
  const rawDb = await freshDatabase("webhookbench_raw");
  const stops: (() => Promise<void>)[] = [];
  let failed = false;
  try {
    const db = main.database.db;
    await syncPlanCatalog(db);
    const emulatorPort = Number(process.env.BENCH_EMULATOR_PORT ?? (await freePort()));
    const emulator = await startChild("bench/support/emulator-server.ts", { PORT: String(emulatorPort) });
    stops.push(emulator.stop);
    const stripe = createStripeClient({ kind: "emulator", port: emulatorPort });

    // 1. History.
    console.log(`history: ${ORGS} organizations over ${SCENARIOS.length} scenarios in the emulator …`);
    const tHistory = Date.now();
    const { cases, events } = await buildWebhookHistory(db, stripe, ORGS); // oldest first, as Stripe sends them
    const total = Math.max(Math.round(RATE * SECONDS), events.length);
    const schedule = chaosSchedule(events, seededRandom(15), {
      duplicates: total / events.length - 1,
      reordered: 0.2,
    });
    const bodies = new Map(events.map((e) => [e.id, Buffer.from(JSON.stringify(e))]));
    const sign = (list: Stripe.Event[]): Delivery[] =>
      list.map((e) => {
        const body = bodies.get(e.id)!;
        return { id: e.id, body, signature: signWebhookPayload(body.toString("utf8"), SECRET) };
      });
    console.log(
      `history: ${events.length} events, ${schedule.length} deliveries (${(schedule.length / events.length).toFixed(1)} per event) (${since(tHistory)})`,
    );

    // 2. Servers.
    const rawPort = Number(process.env.BENCH_RAW_PORT ?? (await freePort()));
    const raw = await startChild("bench/support/raw-webhook-server.ts", {
      PORT: String(rawPort),
      DATABASE_URL: rawDb.url,
    });
    stops.push(raw.stop);
    const appPort = Number(process.env.BENCH_PORT ?? (await freePort()));
    const app = await startApp({
      port: appPort,
      env: { DATABASE_URL: main.url, SEED_DEMO: "0", STRIPE_EMULATOR_PORT: String(emulatorPort) },
    });
    stops.push(app.stop);
    const rawCpu = () => processCpuSeconds(raw.pid);

    // Warm-up (JIT, connections, prepared statements): the schedule's first deliveries, closed loop.
    for (const port of [rawPort, appPort]) {
      const statuses = await Promise.all(sign(schedule.slice(0, WARMUP)).map((d) => deliver(port, d)));
      if (statuses.some((s) => s !== 200)) throw new Error(`warm-up on port ${port} answered ${statuses.join(",")}`);
    }
    if (!(await waitDrained(db, 60_000))) throw new Error("the app's worker did not drain the warm-up");

    // 3. Open loop: raw first (the app idle), then the app (its worker draining meanwhile).
    console.log(`\nloaded at start: ${load()}`);
    const rawRun = await openLoop(rawPort, sign(schedule), rawCpu);
    const rawStored = await storedOf(rawDb.database.db, rawRun.accepted);
    const loadRaw = load();
    await new Promise((r) => setTimeout(r, 2_000));

    const deliveries = sign(schedule);
    // BENCH_WORKER=paused: hold the worker's job lock from a session of our own while the app receives.
    const lock = PAUSED ? postgres(main.url, { max: 1, onnotice: () => {} }) : null;
    if (lock) await lock`select pg_advisory_lock(${LOCK_JOBS}, hashtext(${WEBHOOK_JOB}))`;
    const runStart = new Date();
    const failures = sampleFailures(db);
    const appCpu0 = app.cpuSeconds();
    const appRun = await openLoop(appPort, deliveries, app.cpuSeconds);
    const deliveredAt = performance.now();
    const appCpuDelivered = app.cpuSeconds();
    const emulatorCpuDelivered = processCpuSeconds(emulator.pid);
    const backlog = await openEvents(db);
    const loadApp = load();
    // Refused deliveries come again, as Stripe would send them again.
    let retried = 0;
    for (const d of appRun.refused) {
      for (
        let attempt = 0;
        attempt < 20 &&
        (await deliver(appPort, { ...d, signature: signWebhookPayload(d.body.toString("utf8"), SECRET) })) !== 200;
        attempt++
      )
        retried++;
    }
    const appStored = await storedOf(db, appRun.accepted);
    // The app's runner tries the job again within its interval (10 s) once the lock is free.
    if (lock) await lock.end({ timeout: 5 });

    // 4. The worker drains.
    const drained = await waitDrained(db, 10 * 60_000);
    const drainedAfter = (performance.now() - deliveredAt) / 1000;
    failures.stop();
    const appCpuDrained = app.cpuSeconds();
    const emulatorCpuMs =
      backlog > 0 ? ((processCpuSeconds(emulator.pid) - emulatorCpuDelivered) * 1000) / backlog : NaN;
    const [stats] = rowsOf<{ n: number; batches: number; first: string | null; last: string | null; retried: number }>(
      await db.execute(sql`
        select count(*)::int as n, count(distinct processed_at)::int as batches,
               min(processed_at)::text as first, max(processed_at)::text as last,
               count(*) filter (where attempts > 1)::int as retried
        from ${stripeEvents} where status = 'processed' and processed_at >= ${runStart.toISOString()}::timestamptz`),
    );
    const applied = Number(stats?.n ?? 0);
    const span = stats?.first && stats.last ? (Date.parse(stats.last) - Date.parse(stats.first)) / 1000 : 0;
    const workerCpuMs = backlog > 0 ? ((appCpuDrained - appCpuDelivered) * 1000) / backlog : NaN;
    const receiverCpuMs =
      ((appCpuDelivered - appCpu0) * 1000 - (Number.isFinite(workerCpuMs) ? workerCpuMs * (applied - backlog) : 0)) /
      deliveries.length;
    const loadDrain = load();

    // 5. Final state.
    const problems = await compareWithStripe(db, stripe, cases);
    const counts = rowsOf<{ status: string; n: number }>(
      await db.execute(sql`select status::text as status, count(*)::int as n from ${stripeEvents} group by 1`),
    );
    const stored = counts.reduce((s, c) => s + Number(c.n), 0);
    if (stored !== events.length) problems.push(`stripe_events holds ${stored} rows for ${events.length} events`);
    if (!drained) problems.push(`events not applied: ${JSON.stringify(counts)}`);

    const row = (label: string, r: Run, stored: number, cpu: string) =>
      `  ${label.padEnd(4)} ${r.rate.toFixed(0).padStart(5)} deliveries/s, p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, max ${ms(Math.max(...r.latencies))}; non-2xx or no answer ${r.refused.length}; accepted events ${r.accepted.size}, stored ${stored}; ${cpu}`;
    const p99 = (r: Run) => percentile(r.latencies, 99);
    console.log(
      `\nWebhook receiver, open loop ${RATE} signed deliveries/s for ${SECONDS} s (${schedule.length} deliveries of ${events.length} real emulator events, ${cases.length} organizations); worker ${PAUSED ? "paused while the app received (BENCH_WORKER=paused), then draining the backlog" : "running"}`,
    );
    console.log(row("raw", rawRun, rawStored, `server CPU ${rawRun.cpuMs.toFixed(3)} ms/delivery; ${loadRaw}`));
    console.log(
      row(
        "app",
        appRun,
        appStored,
        PAUSED
          ? `server CPU ${appRun.cpuMs.toFixed(3)} ms/delivery (worker paused); ${loadApp}`
          : `server CPU ${appRun.cpuMs.toFixed(3)} ms/delivery with the worker running${backlog > 0 ? ` (receiver alone ≈ ${receiverCpuMs.toFixed(3)})` : ""}; ${loadApp}`,
      ),
    );
    console.log(
      `  app/raw  p99 ×${(p99(appRun) / p99(rawRun)).toFixed(2)}, CPU per delivery ×${(appRun.cpuMs / rawRun.cpuMs).toFixed(2)}`,
    );
    console.log(
      `  worker   ${applied} events applied in ${span.toFixed(1)} s from first to last (${(applied / Math.max(span, 0.001)).toFixed(0)} events/s); backlog ${backlog} when the deliveries stopped, all applied ${drainedAfter.toFixed(1)} s later (${(backlog / Math.max(drainedAfter, 0.001)).toFixed(0)} events/s); ${backlog > 0 ? `app CPU ${workerCpuMs.toFixed(2)} ms per event (+ emulator ${emulatorCpuMs.toFixed(2)} ms, the stand-in for Stripe)` : "no backlog: the worker kept up with the arrivals (its CPU is in the app's per delivery)"}; ~${Number(stats?.batches ?? 0)} worker transactions (one applies up to 8 objects' runs of events); ${Number(stats?.retried ?? 0)} needed a retry; ${loadDrain}`,
    );
    console.log(`  retried  ${retried} extra deliveries for refused ones`);
    for (const [id, error] of [...failures.errors].slice(0, 10)) console.log(`  failure  ${id}: ${error}`);
    console.log(`  rows     ${JSON.stringify(Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])))}`);
    console.log(
      `  final    ${problems.length === 0 ? "equal to Stripe's, field by field, for every organization; every event stored once" : `${problems.length} DIFFERENCES`}`,
    );
    for (const p of problems.slice(0, 20)) console.log(`    - ${p}`);
    const allDurable = appRun.refused.length === 0 && appStored === appRun.accepted.size;
    // The drain's capacity: paused, the whole backlog first to last; running, what was left when the
    // deliveries stopped. A worker that kept up (backlog 0) only shows the arrival rate of new events,
    // not its capacity: that run says nothing about the target (BENCH_WORKER=paused measures it).
    const drainRate = PAUSED
      ? applied / Math.max(span, 0.001)
      : backlog > 0
        ? backlog / Math.max(drainedAfter, 0.001)
        : NaN;
    const drainVerdict = Number.isNaN(drainRate)
      ? "kept up with the arrivals (backlog 0; capacity: BENCH_WORKER=paused)"
      : `${drainRate.toFixed(0)}/s, ${drainRate >= 500 ? "met" : "NOT met"}`;
    console.log(
      `  targets  all accepted durably: ${allDurable ? "met" : "NOT met"}; p99 < 100 ms: ${p99(appRun) < 100 ? "met" : "NOT met"}; drain ≥ 500 events/s: ${drainVerdict}; final state = Stripe's: ${problems.length === 0 ? "met" : "NOT met"}`,
    );
    console.log(`  (whole run ${since(t0)})`);
    failed = problems.length > 0;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    agent.destroy();
    await main.drop();
    await rawDb.drop();
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
