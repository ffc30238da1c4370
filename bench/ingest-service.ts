/**
 * npm run bench:ingest-service — the ingest service path alone, in this process, without HTTP:
 * the same functions the API routes call (ingestGrouped for single events, ingestUsageEvents for
 * batches) against a fresh database on the real PostgreSQL, beside a raw INSERT of the same rows.
 * Prints CPU per event of this process and of the PostgreSQL backends, and commits per 1,000
 * events (is group commit grouping?), with the load average: on a shared machine compare CPU
 * per event and same-run ratios, not rates. BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of
 * each phase there (single.cpuprofile, batch.cpuprofile), without start-up and warm-up.
 *
 * BENCH_SECONDS (default 5) per single-event run, BENCH_CLIENTS (default 32), BENCH_BATCHES
 * (default 40) batches of 1,000, 4 in flight.
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { apiKeys, organizations, subscriptions } from "../db/schema";
import { generateApiKey } from "../lib/auth/api-key-format";
import { catalogPlan } from "../lib/plans/catalog";
import { groupCommitStats, ingestGrouped } from "../lib/usage/group-commit";
import { ingestUsageEvents } from "../lib/usage/ingest";
import { freshDatabase, postgresCpuSeconds } from "./support/harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);

const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

/** Profile one phase (BENCH_CPU_PROFILE) and answer its result. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;

async function main() {
  const fresh = await freshDatabase("ingest_service");
  const { database, url } = fresh;
  const db = database.db;
  const dbName = new URL(url).pathname.slice(1);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  try {
    const makeOrg = async (label: string) => {
      const [org] = await db
        .insert(organizations)
        .values({ slug: `bench-${label}`, name: `Bench ${label}` })
        .returning();
      const pro = catalogPlan("pro");
      await db.insert(subscriptions).values({
        organizationId: org!.id,
        planId: "pro",
        status: "active",
        billingCycle: "monthly",
        seats: 1,
        currentPeriodStart: new Date(Date.now() - 86_400_000),
        currentPeriodEnd: new Date(Date.now() + 29 * 86_400_000),
        maxUsers: pro.maxUsers ?? null,
        maxAgents: pro.maxAgents ?? null,
        maxExecutionsPerMonth: 1_000_000_000_000,
        maxStorageGb: pro.maxStorageGb ?? null,
        maxGateways: pro.maxGateways ?? null,
      });
      const k = generateApiKey();
      await db.insert(apiKeys).values({ organizationId: org!.id, name: "bench", prefix: k.prefix, keyHash: k.hash });
      return org!.id;
    };
    const commits = async () =>
      Number((await sql`select xact_commit from pg_stat_database where datname = ${dbName}`)[0]!.xact_commit);
    const meter = async () => {
      const start = { cpu: process.cpuUsage(), pg: postgresCpuSeconds(dbName), commits: await commits() };
      return async (events: number) => {
        const cpu = process.cpuUsage(start.cpu);
        const pg = postgresCpuSeconds(dbName) - start.pg;
        const n = Math.max(events, 1);
        const perK = ((await commits()) - start.commits - 1) * (1000 / n);
        return `CPU per event: node ${(((cpu.user + cpu.system) / n) | 0).toString()} µs, PostgreSQL ${((pg * 1e6) / n).toFixed(0)} µs; ${perK.toFixed(1)} commits per 1,000 events`;
      };
    };
    const counter = async (org: string) =>
      Number(
        (
          await sql`select coalesce(sum(value), 0)::bigint as n from usage_counters where organization_id = ${org} and metric = 'executions'`
        )[0]!.n,
      );

    const singleOrg = await makeOrg("single");
    let seq = 0;
    const one = () => ({
      events: [
        { idempotency_key: `s-${seq++}`, metric: "executions", quantity: 1, occurred_at: new Date().toISOString() },
      ],
    });
    // Warm-up (JIT, prepared statements, pool).
    await Promise.all(Array.from({ length: 200 }, () => ingestGrouped(db, singleOrg, one())));

    console.log(`\nsingle events, ${CLIENTS} concurrent callers, ${SECONDS} s (${load()})`);
    const before = await counter(singleOrg);
    const stats0 = { ...groupCommitStats };
    const m1 = await meter();
    let accepted = 0;
    const end = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await profiled("single", () =>
      Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (performance.now() < end) {
            const r = await ingestGrouped(db, singleOrg, one());
            accepted += r.accepted;
          }
        }),
      ),
    );
    const secs = (performance.now() - t0) / 1000;
    const groups = groupCommitStats.groups - stats0.groups;
    console.log(
      `  ${(accepted / secs).toFixed(0)} events/s, ${groups} groups (mean ${((groupCommitStats.events - stats0.events) / Math.max(groups, 1)).toFixed(1)}), counter ${(await counter(singleOrg)) - before === accepted ? "exact" : "WRONG"}`,
    );
    console.log(`  ${await m1(accepted)}`);

    const batch = (b: number, tag: string) =>
      Array.from({ length: 1000 }, (_, i) => ({
        idempotency_key: `${tag}-${b}-${i}`,
        metric: "executions" as const,
        quantity: 1,
        occurred_at: new Date().toISOString(),
      }));
    const runBatches = async (send: (b: number) => Promise<void>) => {
      let next = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let b = next++; b < BATCHES; b = next++) await send(b);
        }),
      );
      return (BATCHES * 1000) / ((performance.now() - t) / 1000);
    };
    const batchOrg = await makeOrg("batch");
    await ingestUsageEvents(db, batchOrg, { events: batch(-1, "warm") });
    console.log(`\nbatches of 1,000, ${BATCHES} batches, 4 in flight (${load()})`);
    const m2 = await meter();
    const app = await profiled("batch", () =>
      runBatches(async (b) => void (await ingestUsageEvents(db, batchOrg, { events: batch(b, "app") }))),
    );
    console.log(`  service ${app.toFixed(0)} events/s; ${await m2(BATCHES * 1000)}`);
    const insertOrg = await makeOrg("insert");
    const m3 = await meter();
    const raw = await runBatches(async (b) => {
      const rows = batch(b, "ins").map((e) => ({
        organization_id: insertOrg,
        metric: e.metric,
        quantity: e.quantity,
        occurred_at: e.occurred_at,
        idempotency_key: e.idempotency_key,
      }));
      await sql`insert into usage_events ${sql(rows)} on conflict do nothing`;
    });
    console.log(`  INSERT  ${raw.toFixed(0)} events/s; ${await m3(BATCHES * 1000)}`);
    console.log(`  service / INSERT = ${(app / raw).toFixed(2)}\n\nDone (${load()}).`);
  } finally {
    await sql.end({ timeout: 5 });
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
