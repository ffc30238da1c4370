/**
 * npm run bench:webhook-drain — the webhook worker alone, in this process: real emulator history
 * of BENCH_ORGS organizations (default 120; tests/support/webhook-chaos.ts) stored as the
 * receiver stores it (every event once, ~20% reordered), then drained as the app's job drains it
 * (drainStripeEvents, 8 loops). Prints events/s, this process's CPU per event (the emulator runs
 * in a process of its own), database round trips (socket writes to PostgreSQL) and Stripe reads
 * per event and per pass, and checks the final state against Stripe's (compareWithStripe; exit
 * code 1 on a difference). For profiling the worker without the receiver's load:
 * BENCH_DRAIN_PROFILE=<path> writes a V8 CPU profile of each drain (<path>.<round>.cpuprofile).
 * BENCH_DRAIN_ROUNDS repeats the store-and-drain on the same history (fresh events table each time).
 * Hold the bench lock: `flock /tmp/agentbill-bench.lock npm run bench:webhook-drain`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import net from "node:net";
import os from "node:os";
import { sql } from "drizzle-orm";
import { stripeEvents } from "../db/schema";
import { rowsOf } from "../db/types";
import { syncPlanCatalog } from "../lib/plans/sync";
import { createStripeClient, type Stripe } from "../lib/stripe/client";
import { drainStripeEvents } from "../lib/webhooks/worker";
import { recordStripeEvent } from "../lib/webhooks/record";
import { chaosSchedule, compareWithStripe, seededRandom } from "../tests/support/webhook-chaos";
import { BENCH_SECRETS, freePort } from "./ingest-support";
import { freshDatabase } from "./support/harness";
import { buildWebhookHistory } from "./support/webhook-history";

const ORGS = Number(process.env.BENCH_ORGS ?? 120);
const ROUNDS = Number(process.env.BENCH_DRAIN_ROUNDS ?? 1);
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;

// Round trips: writes on sockets to PostgreSQL's port (postgres.js sends a query's messages in one write).
const pgPort = Number(new URL(process.env.DATABASE_URL || "postgres://127.0.0.1:5432").port || 5432);
let pgWrites = 0;
// BENCH_DRAIN_TRACE=1: which statements those writes carry (decoded from the protocol's Parse/Bind/Query messages).
const TRACE = process.env.BENCH_DRAIN_TRACE === "1";
const statementNames = new Map<string, string>();
export const traced = new Map<string, number>();
function trace(socket: net.Socket, buf: Buffer): void {
  const texts: string[] = [];
  for (let at = 0; at + 5 <= buf.length;) {
    const type = String.fromCharCode(buf[at]!);
    const len = buf.readInt32BE(at + 1);
    const body = buf.subarray(at + 5, at + 1 + len);
    const cstr = (from: number) => body.subarray(from, body.indexOf(0, from)).toString();
    if (type === "Q") texts.push(cstr(0));
    else if (type === "P") {
      const name = cstr(0);
      const text = cstr(name.length + 1);
      statementNames.set(name, text);
      texts.push(text);
    } else if (type === "B") {
      const portal = cstr(0);
      const name = cstr(portal.length + 1);
      const text = statementNames.get(name) ?? `(prepared ${name})`;
      if (texts.at(-1) !== text) texts.push(text);
    }
    at += 1 + len;
  }
  void socket;
  const key = texts.map((t) => t.replace(/\s+/g, " ").slice(0, 90)).join(" | ") || "(other)";
  traced.set(key, (traced.get(key) ?? 0) + 1);
}
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  if (this.remotePort === pgPort) {
    pgWrites++;
    if (TRACE && Buffer.isBuffer(args[0])) trace(this, args[0]);
  }
  return (write as (...a: unknown[]) => boolean).apply(this, args);
} as typeof write;

async function main() {
  const bench = await freshDatabase("webhookdrain");
  const emulatorPort = Number(process.env.BENCH_EMULATOR_PORT ?? (await freePort()));
  const child = spawn(process.execPath, ["--import", "tsx", "bench/support/emulator-server.ts"], {
    env: { ...process.env, ...BENCH_SECRETS, NODE_ENV: "production", PORT: String(emulatorPort) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
      child.once("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    });
    const db = bench.database.db;
    await syncPlanCatalog(db);
    const base = createStripeClient({ kind: "emulator", port: emulatorPort });
    const { cases, events } = await buildWebhookHistory(db, base, ORGS);
    const schedule = chaosSchedule(events, seededRandom(15), { duplicates: 0, reordered: 0.2 });

    // Stripe reads, counted.
    let reads = 0;
    const counting = new Proxy(base, {
      get(target, prop) {
        const resource = Reflect.get(target, prop) as object;
        if (prop !== "subscriptions" && prop !== "invoices" && prop !== "customers" && prop !== "paymentMethods")
          return resource;
        return new Proxy(resource, {
          get(t, p) {
            const fn = Reflect.get(t, p) as unknown;
            if (p !== "retrieve" && p !== "list" && typeof fn === "function") return fn;
            if (typeof fn !== "function") return fn;
            return (...args: unknown[]) => {
              reads++;
              return (fn as (...a: unknown[]) => unknown).apply(t, args);
            };
          },
        });
      },
    }) as Stripe;

    for (let round = 1; round <= ROUNDS; round++) {
      await db.execute(sql`truncate ${stripeEvents}`);
      for (let i = 0; i < schedule.length; i += 200)
        await Promise.all(schedule.slice(i, i + 200).map((e) => recordStripeEvent(db, e)));
      await db.execute(sql`vacuum analyze stripe_events`);
      const [pending] = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from ${stripeEvents} where status = 'pending'`),
      );
      const n = Number(pending?.n ?? 0);
      const cpu0 = process.cpuUsage();
      const writes0 = pgWrites;
      traced.clear();
      reads = 0;
      const profiler = process.env.BENCH_DRAIN_PROFILE ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      const t = performance.now();
      const report = await drainStripeEvents(db, counting, { budgetMs: 600_000, concurrency: 8 });
      const seconds = (performance.now() - t) / 1000;
      const cpu = process.cpuUsage(cpu0);
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        fs.writeFileSync(`${process.env.BENCH_DRAIN_PROFILE}.${round}.cpuprofile`, JSON.stringify(profile));
        profiler.disconnect();
      }
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const trips = pgWrites - writes0;
      if (TRACE) {
        for (const [k, v] of [...traced].sort((a, b) => b[1] - a[1]).slice(0, 40))
          console.log(`${(v / report.passes).toFixed(2).padStart(6)} a pass  ${k}`);
        traced.clear();
      }
      console.log(
        `round ${round}: ${report.processed} of ${n} events applied (${report.failed} failed) in ${report.passes} passes, ${seconds.toFixed(2)} s: ` +
          `${(report.processed / seconds).toFixed(0)} events/s; worker CPU ${(cpuMs / report.processed).toFixed(2)} ms an event (${(cpu.system / 1000 / report.processed).toFixed(2)} of it system); ` +
          `${(trips / report.processed).toFixed(2)} round trips and ${(reads / report.processed).toFixed(2)} Stripe reads an event ` +
          `(${(trips / report.passes).toFixed(1)} and ${(reads / report.passes).toFixed(2)} a pass); ${load()}`,
      );
    }
    const problems = await compareWithStripe(db, base, cases);
    console.log(
      problems.length === 0
        ? "final state equal to Stripe's"
        : `${problems.length} DIFFERENCES:\n${problems.slice(0, 20).join("\n")}`,
    );
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    child.kill("SIGTERM");
    await bench.drop();
  }
}

await main();
