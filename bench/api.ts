/**
 * npm run bench:api — the platform API at machine speed (issue 15), on the real PostgreSQL.
 *
 * The app is started as `npm start` starts it (dist/server.cjs: Hono for /api/v1, Next for the
 * rest), from a production build in .next-bench (built when missing). Beside it, in its own
 * process, the raw baseline: plain node:http calling the same services (so the same SQL)
 * (bench/support/raw-api-server.ts). Every scenario runs against both in the same run, and prints
 * the load average: figures taken on a busy machine say so.
 *
 * 1. limit check, open loop at 500 requests/s for BENCH_SECONDS (default 10): achieved rate, p50/p99;
 * 2. reserve + commit pairs, open loop at 250 pairs/s: p50/p99 of each;
 * 3. single-event ingest, 32 clients in closed loop: events/s, and the counter checked exact;
 * 4. batch ingest, batches of 1,000 (4 in flight): events/s, against a raw INSERT of the same rows.
 * Open-loop latencies are measured from each request's scheduled time (no coordinated omission).
 * Clients use @agentbill/client (one attempt: a bench must see failures, not retry them).
 * Targets (issue 15): limit check p99 < 10 ms at 500/s; pairs p99 < 15 ms each at 250/s;
 * single-event ingest ≥ 5,000 events/s; batch ≥ 50,000 events/s and ≥ 0.75 × raw INSERT.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AgentBillClient } from "@agentbill/client";
import { sql as statement } from "drizzle-orm";
import postgres from "postgres";
import { organizations, subscriptions, apiKeys } from "../db/schema";
import { generateApiKey } from "../lib/auth/api-key-format";
import { catalogPlan } from "../lib/plans/catalog";
import { BENCH_SECRETS, freePort } from "./ingest-support";
import { freshDatabase, percentile, processTreeCpuSeconds, startApp } from "./support/harness";
import { cpuMeter, cpuPerCall, ms, openLoop, withPgWaits } from "./support/measure";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CHECK_RATE = Number(process.env.BENCH_CHECK_RATE ?? 500);
const PAIR_RATE = Number(process.env.BENCH_PAIR_RATE ?? 250);
const INGEST_CLIENTS = 32;
// 240 batches: about 3 s per server at these rates (60 took under a second, too short to be more than noise).
const BATCHES = Number(process.env.BENCH_BATCHES ?? 240);
/** BENCH_ONLY=check,pairs,ingest (any of them; ingest = scenarios 3 and 4): only those (default: all). */
const ONLY = new Set((process.env.BENCH_ONLY ?? "check,pairs,ingest").split(",").map((s) => s.trim()));

const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${os.cpus().length} cores`;

type Org = { id: string; key: string };

async function makeOrg(db: Awaited<ReturnType<typeof freshDatabase>>["database"]["db"], label: string): Promise<Org> {
  const [org] = await db
    .insert(organizations)
    .values({ slug: `bench-${label}`, name: `Bench ${label}` })
    .returning();
  const pro = catalogPlan("pro");
  const now = Date.now();
  await db.insert(subscriptions).values({
    organizationId: org!.id,
    planId: "pro",
    status: "active",
    billingCycle: "monthly",
    seats: 1,
    currentPeriodStart: new Date(now - 86_400_000),
    currentPeriodEnd: new Date(now + 29 * 86_400_000),
    maxUsers: pro.maxUsers ?? null,
    maxAgents: pro.maxAgents ?? null,
    // Large enough that no scenario is refused: the bench measures the path, not the limit.
    maxExecutionsPerMonth: 1_000_000_000_000,
    maxStorageGb: pro.maxStorageGb ?? null,
    maxGateways: pro.maxGateways ?? null,
  });
  const k = generateApiKey();
  await db.insert(apiKeys).values({ organizationId: org!.id, name: "bench", prefix: k.prefix, keyHash: k.hash });
  return { id: org!.id, key: k.key };
}

async function startRaw(
  port: number,
  url: string,
  script = "bench/support/raw-api-server.ts",
  extraEnv: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<{ url: string; stop(): Promise<void>; cpuSeconds(): number }> {
  const child: ChildProcess = spawn(
    "./node_modules/.bin/tsx",
    [
      // BENCH_CPU_PROFILE=<dir> profiles the raw baseline too (startApp profiles the app).
      ...(process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []),
      ...nodeFlags,
      ...(process.env.BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean),
      "--conditions=react-server",
      script,
    ],
    {
      env: {
        ...process.env,
        ...BENCH_SECRETS,
        PORT: String(port),
        DATABASE_URL: url,
        NODE_ENV: "production",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    // BENCH_SERVER_LOG_DIR=<dir>: keep each baseline server's output there (e.g. with --trace-gc).
    const dir = process.env.BENCH_SERVER_LOG_DIR;
    const log = dir ? fs.createWriteStream(path.join(dir, `${path.basename(script, ".ts")}.log`)) : undefined;
    child.stdout!.on("data", (d: Buffer) => {
      log?.write(d);
      if (d.toString().includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`raw server exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    // tsx runs the server in a child node process: count the whole tree.
    cpuSeconds: () => processTreeCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function line(label: string, r: { rate: number; errors: number; latencies: number[] }, unit = "req/s") {
  return `  ${label.padEnd(6)} ${r.rate.toFixed(0).padStart(6)} ${unit}, p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, errors ${r.errors}`;
}

async function main() {
  const fresh = await freshDatabase("api");
  const { database, url } = fresh;
  const stops: (() => Promise<void>)[] = [];
  try {
    const orgs = { app: await makeOrg(database.db, "app"), raw: await makeOrg(database.db, "raw") };
    // BENCH_PORT, BENCH_RAW_PORT, BENCH_EMULATOR_PORT: fixed ports (free ones when unset).
    const port = async (name: string) => Number(process.env[name] || (await freePort()));
    const [appPort, rawPort] = [await port("BENCH_PORT"), await port("BENCH_RAW_PORT")];
    const emulatorPort = String(await port("BENCH_EMULATOR_PORT"));
    const app = await startApp({
      port: appPort,
      env: { DATABASE_URL: url, SEED_DEMO: "0", STRIPE_EMULATOR_PORT: emulatorPort },
    });
    stops.push(app.stop);
    const raw = await startRaw(rawPort, url);
    stops.push(raw.stop);
    // BENCH_LEAN=1: also server.ts without Next (same start-up, same API listener; bench/support/lean-api-server.ts),
    // with the app's Node flags (BENCH_APP_NODE_FLAGS); it shares the app's Stripe emulator. BENCH_LEAN=2: and
    // the same with every request through the Hono app and its adapter ("hono").
    const startLean = async (viaHono: boolean) =>
      startRaw(
        await freePort(),
        url,
        "bench/support/lean-api-server.ts",
        { SEED_DEMO: "0", STRIPE_EMULATOR_PORT: emulatorPort, HOST: "127.0.0.1", LEAN_VIA_HONO: viaHono ? "1" : "0" },
        (process.env.BENCH_APP_NODE_FLAGS ?? "").split(" ").filter((f) => f && !f.startsWith("--trace")),
      );
    const lean = ["1", "2"].includes(process.env.BENCH_LEAN ?? "") ? await startLean(false) : undefined;
    const hono = process.env.BENCH_LEAN === "2" ? await startLean(true) : undefined;
    if (hono) stops.push(hono.stop);
    if (lean) stops.push(lean.stop);
    // The floor: node:http answering a constant, no key, no database (limit-check scenario only).
    const bare = ONLY.has("check") ? await startRaw(await freePort(), url, "bench/support/bare-server.ts") : undefined;
    if (bare) stops.push(bare.stop);
    const targets = [
      { label: "app", url: app.url, org: orgs.app, cpuSeconds: app.cpuSeconds, server: app },
      ...(lean ? [{ label: "lean", url: lean.url, org: orgs.app, cpuSeconds: lean.cpuSeconds, server: lean }] : []),
      ...(hono ? [{ label: "hono", url: hono.url, org: orgs.app, cpuSeconds: hono.cpuSeconds, server: hono }] : []),
      { label: "raw", url: raw.url, org: orgs.raw, cpuSeconds: raw.cpuSeconds, server: raw },
    ];
    const bareTarget = bare && {
      label: "bare",
      url: bare.url,
      org: orgs.raw,
      cpuSeconds: bare.cpuSeconds,
      server: bare,
    };
    const checkTargets = bareTarget ? [...targets, bareTarget] : targets;
    const client = (t: (typeof targets)[number]) =>
      new AgentBillClient({ baseUrl: t.url, apiKey: t.org.key, maxAttempts: 1, timeoutMs: 30_000 });
    // Warm up both (JIT, prepared statements, key cache) and open their whole connection pools:
    // concurrent calls, so no scenario pays for a connection's start (a fork of PostgreSQL and
    // re-preparing each statement on it), which is start-up and not the steady state measured.
    for (const t of checkTargets) {
      const c = client(t);
      for (let round = 0; round < 20; round++)
        await Promise.all(Array.from({ length: 32 }, () => c.checkLimit("executions", 1)));
      if (t === bareTarget) continue;
      for (let i = 0; i < 10; i++)
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            const hold = await c.reserve({ metric: "executions", amount: 1 });
            await c.commit(hold.id, 1);
          }),
        );
      // The ingest paths too (scenarios 3 and 4 would otherwise time each server's first batches
      // through a cold JIT): single events from 32 clients, then batches of 1,000, 4 at a time.
      if (!ONLY.has("ingest")) continue;
      for (let round = 0; round < 10; round++)
        await Promise.all(Array.from({ length: 32 }, () => c.ingest([{ metric: "executions", quantity: 1 }])));
      for (let round = 0; round < 3; round++)
        await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            c.ingest(
              Array.from({ length: 1000 }, (_, j) => ({
                idempotency_key: `warm-${t.label}-${round}-${i}-${j}`,
                metric: "executions" as const,
                quantity: 1,
              })),
            ),
          ),
        );
    }

    // This machine's PostgreSQL runs with autovacuum off (a production server's does not): each
    // scenario starts from a vacuumed, analysed database, or the index of active reservations
    // keeps every dead entry the runs before it left (measured: 1.6–1.8 ms per reserve instead
    // of 0.6, inside the organization's lock). Dead entries made during a run stay: both servers
    // pay for them alike.
    // Then a checkpoint: the pages the vacuum dirtied are written out now, not during the next
    // server's run (each server starts from the same flushed state, whichever goes first).
    const settle = async () => {
      await database.db.execute(statement`vacuum analyze`);
      await database.db.execute(statement`checkpoint`);
    };
    await settle();

    console.log(
      `\nPlatform API bench, ${SECONDS} s per scenario; app = npm start (dist/server.cjs), raw = node:http + the same services`,
    );

    // Issue 15's targets, judged on the app's figures and printed at the end.
    const verdicts: string[] = [];
    const verdict = (what: string, ok: boolean, figures: string) =>
      verdicts.push(`  ${what}: ${ok ? "met" : "NOT met"} (${figures})`);
    const sustained = (r: { rate: number; errors: number }, rate: number) => r.errors === 0 && r.rate >= rate * 0.98;
    const printVerdicts = () => {
      if (verdicts.length) console.log(`\nTargets (issue 15), the app's figures:\n${verdicts.join("\n")}`);
    };

    if (ONLY.has("check")) console.log(`\n1. limit check, open loop ${CHECK_RATE}/s (${load()})`);
    for (const t of ONLY.has("check") ? checkTargets : []) {
      await settle();
      const c = client(t);
      const { r, cpuMs } = await cpuPerCall(
        t.cpuSeconds,
        () => withPgWaits(url, () => openLoop(CHECK_RATE, SECONDS, () => c.checkLimit("executions", 1).then(() => {}))),
        (r) => r.done,
      );
      console.log(`${line(t.label, r)}; server CPU ${cpuMs.toFixed(2)} ms/request`);
      if (t.label === "app")
        verdict(
          `limit check ${CHECK_RATE}/s sustained, p99 < 10 ms`,
          sustained(r, CHECK_RATE) && percentile(r.latencies, 99) < 10,
          `${r.rate.toFixed(0)}/s, ${r.errors} errors, p99 ${ms(percentile(r.latencies, 99))}`,
        );
    }

    if (ONLY.has("pairs")) console.log(`\n2. reserve + commit pairs, open loop ${PAIR_RATE} pairs/s (${load()})`);
    for (const t of ONLY.has("pairs") ? targets : []) {
      await settle();
      const c = client(t);
      const reserveLat: number[] = [];
      const commitLat: number[] = [];
      const cpuBefore = t.cpuSeconds();
      const r = await withPgWaits(url, () =>
        openLoop(PAIR_RATE, SECONDS, async () => {
          const t0 = performance.now();
          const hold = await c.reserve({ metric: "executions", amount: 10 });
          const t1 = performance.now();
          if (!hold.allowed) throw new Error(hold.reason);
          await c.commit(hold.id, 7);
          reserveLat.push(t1 - t0);
          commitLat.push(performance.now() - t1);
        }),
      );
      const cpuMs = ((t.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, r.done);
      console.log(`${line(t.label, r, "pairs/s")}; server CPU ${cpuMs.toFixed(2)} ms/pair`);
      console.log(
        `         reserve p50 ${ms(percentile(reserveLat, 50))} p99 ${ms(percentile(reserveLat, 99))}; commit p50 ${ms(percentile(commitLat, 50))} p99 ${ms(percentile(commitLat, 99))}`,
      );
      if (t.label === "app")
        verdict(
          `reserve + commit ${PAIR_RATE} pairs/s sustained, p99 < 15 ms each`,
          sustained(r, PAIR_RATE) && percentile(reserveLat, 99) < 15 && percentile(commitLat, 99) < 15,
          `${r.rate.toFixed(0)} pairs/s, ${r.errors} errors, reserve p99 ${ms(percentile(reserveLat, 99))}, commit p99 ${ms(percentile(commitLat, 99))}`,
        );
    }

    if (!ONLY.has("ingest")) {
      printVerdicts();
      return void console.log(`\nDone (${load()}).`);
    }

    console.log(`\n3. single-event ingest, ${INGEST_CLIENTS} clients (${load()})`);
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    stops.push(() => sql.end({ timeout: 5 }));
    const executions = async (orgId: string) =>
      Number(
        (
          await sql`select coalesce(sum(value), 0)::bigint as n from usage_counters where organization_id = ${orgId} and metric = 'executions'`
        )[0]!.n,
      );
    const dbName = new URL(url).pathname.slice(1);
    for (const t of targets) {
      await settle();
      const c = client(t);
      const before = await executions(t.org.id);
      const meter = await cpuMeter(sql, t.server, dbName);
      let accepted = 0;
      let errors = 0;
      const latencies: number[] = [];
      const end = performance.now() + SECONDS * 1000;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: INGEST_CLIENTS }, async () => {
          while (performance.now() < end) {
            const t0 = performance.now();
            try {
              // Not `accepted += await …`: that reads `accepted` before the await and loses updates.
              const r = await c.ingest([{ metric: "executions", quantity: 1 }]);
              accepted += r.accepted;
              latencies.push(performance.now() - t0);
            } catch {
              errors++;
            }
          }
        }),
      );
      const rate = accepted / ((performance.now() - start) / 1000);
      const exact = (await executions(t.org.id)) - before === accepted;
      console.log(
        `${line(t.label, { rate, errors, latencies }, "events/s")}, counter ${exact ? "exact" : "WRONG"} (${accepted} accepted)`,
      );
      console.log(await meter(accepted));
      if (t.label === "app")
        verdict(
          `single-event ingest ≥ 5,000 events/s, counters exact`,
          rate >= 5000 && exact && errors === 0,
          `${rate.toFixed(0)} events/s, counter ${exact ? "exact" : "WRONG"}, ${errors} errors`,
        );
    }

    console.log(`\n4. batch ingest, ${BATCHES} batches of 1,000, 4 in flight (${load()})`);
    const batch = (b: number, tag: string) =>
      Array.from({ length: 1000 }, (_, i) => ({
        idempotency_key: `${tag}-${b}-${i}`,
        metric: "executions" as const,
        quantity: 1,
        occurred_at: new Date().toISOString(),
      }));
    const runBatches = async (send: (b: number) => Promise<void>) => {
      const start = performance.now();
      let next = 0;
      let errors = 0;
      const latencies: number[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let b = next++; b < BATCHES; b = next++) {
            const t0 = performance.now();
            try {
              await send(b);
              latencies.push(performance.now() - t0);
            } catch {
              errors++;
            }
          }
        }),
      );
      return { rate: ((BATCHES - errors) * 1000) / ((performance.now() - start) / 1000), errors, latencies };
    };
    const results: Record<string, number> = {};
    for (const t of targets) {
      await settle();
      const c = client(t);
      const meter = await cpuMeter(sql, t.server, dbName);
      const r = await runBatches(async (b) => void (await c.ingest(batch(b, t.label))));
      results[t.label] = r.rate;
      console.log(line(t.label, r, "events/s"));
      console.log(await meter((BATCHES - r.errors) * 1000));
    }
    // The raw INSERT: the same rows straight into usage_events (no validation, no roll-ups), 4 at a time.
    const insertOrg = await makeOrg(database.db, "insert");
    const insertSql = postgres(url, { max: 4, onnotice: () => {} });
    stops.push(() => insertSql.end({ timeout: 5 }));
    const insertMeter = await cpuMeter(sql, { cpuSeconds: () => 0 }, dbName);
    const ins = await runBatches(async (b) => {
      const rows = batch(b, "insert").map((e) => ({
        organization_id: insertOrg.id,
        metric: e.metric,
        quantity: e.quantity,
        occurred_at: e.occurred_at,
        idempotency_key: e.idempotency_key,
      }));
      await insertSql`insert into usage_events ${insertSql(rows)} on conflict do nothing`;
    });
    results.insert = ins.rate;
    console.log(line("INSERT", ins, "events/s"));
    console.log(await insertMeter((BATCHES - ins.errors) * 1000));
    const ratio = results.app! / results.insert!;
    console.log(`  app / raw INSERT = ${ratio.toFixed(2)} (target ≥ 0.75)`);
    verdict(
      "batch ingest ≥ 50,000 events/s and ≥ 0.75 × the raw INSERT",
      results.app! >= 50_000 && ratio >= 0.75,
      `${results.app!.toFixed(0)} events/s, ${ratio.toFixed(2)} × INSERT`,
    );
    printVerdicts();
    console.log(`\nDone (${load()}).`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await fresh.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
