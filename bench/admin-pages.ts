import fs from "node:fs";
import os from "node:os";
import { DEMO_PASSWORD, seedDemo } from "../demo";
import type { Db } from "../db/types";
import {
  getOrganizationDetailOrThrow,
  getOverviewMetrics,
  getSystemHealth,
  listOrganizations,
  orgListQuerySchema,
} from "../lib/admin";
import { startEmulator } from "@agentbill/stripe-emulator";
import { seedManyOrganizations } from "./admin-seed";
import { BENCH_SECRETS, fmt, percentile, signIn, startApp, withBenchDatabase } from "./admin-support";

/**
 * npm run bench:admin — the admin console at 10,000 organizations on the real PostgreSQL.
 *
 * 1. Services: org list/search/filter queries, org detail, health (emulator up) and the
 *    overview, called directly RUNS times each after a warm-up.
 * 2. Pages over HTTP, when a production build exists (NEXT_DIST_DIR, default .next): signs in
 *    as the demo platform admin and times the rendered /admin/orgs pages and /api/admin/health.
 *
 * Needs DATABASE_URL (or BENCH_DATABASE_URL) of a PostgreSQL server; it creates its own database
 * and drops it at the end. Everything is sequential, on loopback and bounded.
 */

const ADMIN_URL =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";
const PORT = Number(process.env.BENCH_PORT || 3302);
const ORGS = Number(process.env.BENCH_ORGS || 10_000);
const RUNS = Number(process.env.BENCH_RUNS || 100);

type Row = { name: string; p50: number; p95: number; max: number; target?: number };

/** The machine is shared: every section says how busy it was (1, 5 and 15 minute load averages). */
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} on ${os.cpus().length} cores`;
const rows: Row[] = [];

async function measure(name: string, fn: () => Promise<unknown>, target?: number, runs = RUNS): Promise<void> {
  for (let i = 0; i < Math.min(10, runs); i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const row = { name, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1]!, target };
  rows.push(row);
  console.log(
    `  ${name.padEnd(58)} p50 ${fmt(row.p50).padStart(7)} ms  p95 ${fmt(row.p95).padStart(7)} ms${target ? (row.p95 < target ? "  ✓" : `  ✗ (target ${target})`) : ""}`,
  );
}

const LIST_CASES: [string, Record<string, string>][] = [
  ["list, first page (by name)", {}],
  ["list, page 200 of 25 (deep offset)", { page: "200" }],
  ["list, newest first", { sort: "created" }],
  ["search name substring 'robotics'", { q: "robotics" }],
  ["search owner email 'owner4242@bench.test'", { q: "owner4242@bench.test" }],
  ["search Stripe customer 'cus_B0000424'", { q: "cus_B0000424" }],
  ["filter plan=pro, past due", { plan: "pro", pastDue: "1" }],
  ["filter at or over a limit", { overLimit: "1" }],
  ["filter over limit + search 'labs', by plan", { overLimit: "1", q: "labs", sort: "plan" }],
];

async function services(db: Db): Promise<string> {
  console.log(`\nServices (${RUNS} runs each; ${load()}):`);
  for (const [name, params] of LIST_CASES) {
    const query = orgListQuerySchema.parse(params);
    await measure(name, () => listOrganizations(db, query), 150);
  }
  const [{ id } = { id: "" }] = (await listOrganizations(db, orgListQuerySchema.parse({ q: "org-4242" }))).rows;
  if (!id)
    throw new Error(
      `The detail cases need organization org-4242 of the benchmark seed: run with BENCH_ORGS of at least 4243 (now ${ORGS}).`,
    );
  await measure("organization detail", () => getOrganizationDetailOrThrow(db, id));
  const emulator = await startEmulator({ port: 0, webhookSecret: BENCH_SECRETS.STRIPE_WEBHOOK_SECRET });
  try {
    await measure(
      "health (emulator up)",
      () => getSystemHealth(db, { stripe: { mode: "emulator", url: `${emulator.url}/health` } }),
      200,
    );
  } finally {
    await emulator.stop();
  }
  await measure("overview metrics", () => getOverviewMetrics(db), undefined, Math.min(RUNS, 30));
  return id;
}

async function pages(url: string, orgId: string): Promise<void> {
  if (!fs.existsSync(`${DIST_DIR}/BUILD_ID`)) {
    console.log(`\nPages: skipped (no build in ${DIST_DIR}; run npm run build or set NEXT_DIST_DIR).`);
    return;
  }
  const emulatorPort = 12_400 + Math.floor(Math.random() * 500);
  const app = await startApp({
    distDir: DIST_DIR,
    port: PORT,
    env: {
      DATABASE_URL: url,
      STRIPE_EMULATOR_PORT: String(emulatorPort),
    },
  });
  try {
    const cookie = await signIn(app.url, "staff@agentbill.test", DEMO_PASSWORD);
    const get = async (path: string) => {
      const res = await fetch(`${app.url}${path}`, { headers: { cookie } });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    console.log(`\nPages over HTTP, rendered by next start (${RUNS} runs each; ${load()}):`);
    await measure("GET /admin/orgs", () => get("/admin/orgs"), 150);
    await measure("GET /admin/orgs?page=200", () => get("/admin/orgs?page=200"), 150);
    await measure("GET /admin/orgs?q=robotics", () => get("/admin/orgs?q=robotics"), 150);
    await measure("GET /admin/orgs?q=owner4242@bench.test", () => get("/admin/orgs?q=owner4242%40bench.test"), 150);
    await measure("GET /admin/orgs?overLimit=1&plan=pro", () => get("/admin/orgs?overLimit=1&plan=pro"), 150);
    await measure("GET /api/admin/orgs?q=labs", () => get("/api/admin/orgs?q=labs"), 150);
    await measure(`GET /admin/orgs/:id`, () => get(`/admin/orgs/${orgId}`));
    await measure("GET /api/admin/health (emulator up)", () => get("/api/admin/health"), 200);
  } finally {
    await app.stop();
  }
}

async function main() {
  await withBenchDatabase(ADMIN_URL, "admin", async (database, url) => {
    const t = performance.now();
    await seedDemo(database.db);
    await seedManyOrganizations(database.db, ORGS);
    console.log(
      `Seeded ${ORGS.toLocaleString("en-US")} organizations (plus the demo data) in ${fmt((performance.now() - t) / 1000)} s.`,
    );
    const orgId = await services(database.db);
    await pages(url, orgId);
    const misses = rows.filter((r) => r.target && r.p95 >= r.target);
    console.log(
      misses.length ? `\n${misses.length} measurement(s) over target.` : "\nEvery measurement within its target.",
    );
    console.log(`At the end: ${load()}.`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
