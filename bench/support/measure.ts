/**
 * bench:api's measuring: the open loop (latency from each call's scheduled time), CPU per call of
 * a server's process tree, CPU per event of server, PostgreSQL and clients, and a sampler of the
 * database sessions' states. The scenarios themselves stay in bench/api.ts.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import postgres from "postgres";
import { percentile, postgresCpuSeconds } from "./harness";

export const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * Where the CPU of an ingest scenario went, per event: the server process under test, the
 * PostgreSQL backends of the bench database, and this process (the clients); and how many
 * transactions the database committed per 1,000 events (group commit: far fewer than 1,000).
 */
export async function cpuMeter(sql: postgres.Sql, server: { cpuSeconds(): number }, dbName: string) {
  const commits = async () =>
    Number((await sql`select xact_commit from pg_stat_database where datname = ${dbName}`)[0]!.xact_commit);
  const read = async () => ({
    server: server.cpuSeconds(),
    pg: postgresCpuSeconds(dbName),
    bench: process.cpuUsage(),
    commits: await commits(),
  });
  const start = await read();
  return async (events: number) => {
    const end = await read();
    const us = (seconds: number) => `${((seconds * 1e6) / Math.max(events, 1)).toFixed(0)} µs`;
    const bench = (end.bench.user + end.bench.system - start.bench.user - start.bench.system) / 1e6;
    // The meter's own two reads are commits too.
    const perK = ((end.commits - start.commits - 2) * 1000) / Math.max(events, 1);
    return `         CPU per event: server ${us(end.server - start.server)}, PostgreSQL ${us(end.pg - start.pg)}, clients ${us(bench)}; ${perK.toFixed(1)} commits per 1,000 events`;
  };
}

/**
 * Open loop: call i starts at start + i/rate whatever happened before; latency from that time.
 * Prints the load generator's own event-loop delay (a late generator would be charged to the
 * server) and, with BENCH_TIMELINE=1, p50/p99/max per half second (a stall or a steady tail?).
 */
export async function openLoop(rate: number, seconds: number, call: (i: number) => Promise<void>) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const timeline: [number, number][] = [];
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  let errors = 0;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // From the scheduled time when sent late (the open loop charges lateness to the server); from
    // the send when a timer fired early (libuv's cached clock): never a round trip cut short.
    const from = Math.min(due, performance.now());
    inflight.push(
      call(i).then(
        () => {
          const latency = performance.now() - from;
          latencies.push(latency);
          timeline.push([due - start, latency]);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  lag.disable();
  const elapsed = (performance.now() - start) / 1000;
  const lagMs = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `         load generator event-loop delay p50 ${lagMs(lag.percentile(50))} ms, p99 ${lagMs(lag.percentile(99))} ms, max ${lagMs(lag.max)} ms`,
  );
  if (process.env.BENCH_TIMELINE === "1")
    for (let b = 0; b < seconds * 2; b++) {
      const half = timeline.filter(([t]) => t >= b * 500 && t < (b + 1) * 500).map(([, l]) => l);
      console.log(
        `         ${(b / 2).toFixed(1).padStart(4)} s: ${half.length} calls, p50 ${ms(percentile(half, 50))}, p99 ${ms(percentile(half, 99))}, max ${ms(Math.max(0, ...half))}`,
      );
    }
  return { sent: total, done: latencies.length, errors, rate: latencies.length / elapsed, latencies };
}

/** CPU of a server (its process tree) per completed call over `work`, in ms; NaN off Linux. */
export async function cpuPerCall<R>(
  cpuSeconds: () => number,
  work: () => Promise<R>,
  calls: (r: R) => number,
): Promise<{ r: R; cpuMs: number }> {
  const before = cpuSeconds();
  const r = await work();
  return { r, cpuMs: ((cpuSeconds() - before) * 1000) / Math.max(1, calls(r)) };
}

/**
 * BENCH_PG_WAITS=1: sample the servers' database sessions every 20 ms while `work` runs and print
 * how many were, on average, in each state and wait (active, idle in transaction, waiting on a
 * lock…): queueing that costs no CPU shows here.
 */
export async function withPgWaits<R>(url: string, work: () => Promise<R>): Promise<R> {
  if (process.env.BENCH_PG_WAITS !== "1") return work();
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  const tally = new Map<string, number>();
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const rows = await probe<{ k: string; n: number }[]>`
        select concat_ws(' / ', state, wait_event_type, wait_event) as k, count(*)::int as n
        from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
          and application_name = 'agentbill' group by 1`;
      samples++;
      for (const r of rows) tally.set(r.k, (tally.get(r.k) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return await work();
  } finally {
    running = false;
    await sampler;
    await probe.end({ timeout: 5 });
    const parts = [...tally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${(n / samples).toFixed(2)}`);
    console.log(`         sessions on average (${samples} samples): ${parts.join("; ")}`);
  }
}
