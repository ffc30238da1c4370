import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type Database } from "../../db/connect";
import { appServerCommand, BENCH_SECRETS } from "../ingest-support";

/** Shared pieces of the benchmarks: a fresh database on the real server, the built app, timing. */

export const ADMIN_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshDatabase(
  label: string,
): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const name = `agentbill_bench_${label}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(ADMIN_URL, name);
  const database = await openDatabase({ url, max: 8 });
  await database.migrate();
  return {
    database,
    url,
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** Build once into its own folder (so a dev server's .next is left alone), then start it as `npm start` does. */
export async function startApp(opts: {
  port: number;
  env: Record<string, string>;
  distDir?: string;
}): Promise<{ url: string; stop(): Promise<void>; kill(): Promise<void>; cpuSeconds(): number }> {
  const distDir = opts.distDir ?? ".next-bench";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: distDir,
    ...BENCH_SECRETS,
    ...opts.env,
  };
  if (!fs.existsSync(`${distDir}/BUILD_ID`) || process.env.BENCH_REBUILD === "1") {
    console.log(`building the app into ${distDir} …`);
    await run("./node_modules/.bin/next", ["build"], env);
  }
  // BENCH_CPU_PROFILE=<dir>: write a V8 CPU profile of the app server there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  // BENCH_APP_NODE_FLAGS: extra Node flags for the app process (e.g. "--trace-gc"), after npm start's own.
  const extra = (process.env.BENCH_APP_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const server = appServerCommand();
  const child: ChildProcess = spawn(process.execPath, [...profile, ...extra, ...server.args], {
    env: { ...env, PORT: String(opts.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  // BENCH_APP_LOG=<file>: also write the app's output there (e.g. its --trace-gc lines).
  const logFile = process.env.BENCH_APP_LOG ? fs.createWriteStream(process.env.BENCH_APP_LOG) : undefined;
  child.stdout?.on("data", (d) => ((log += d), logFile?.write(d)));
  child.stderr?.on("data", (d) => ((log += d), logFile?.write(d)));
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the app did not start:\n${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    /** kill -9: no shutdown, in-flight requests and transactions cut off. */
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

/** User + system CPU a process has used so far (Linux /proc; NaN elsewhere). */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/**
 * User + system CPU of a process and all its descendants so far (e.g. `tsx` and the node it
 * starts), from /proc: threads' `children` lists name the live child processes. NaN elsewhere.
 */
export function processTreeCpuSeconds(pid: number): number {
  let total = processCpuSeconds(pid);
  if (Number.isNaN(total)) return NaN;
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return total;
  }
  for (const tid of tasks) {
    let children = "";
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.split(" ").filter(Boolean)) {
      const c = processTreeCpuSeconds(Number(child));
      if (!Number.isNaN(c)) total += c;
    }
  }
  return total;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "inherit"] });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

/** Run `work` over `items` with at most `concurrency` in flight; returns each call's latency in ms. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, i: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        const t = performance.now();
        await work(items[i]!, i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  return latencies;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** A deterministic random stream, so a run can be repeated. */
export function seeded(seed: number): () => number {
  let h = seed >>> 0;
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU of the PostgreSQL backends serving one database (user + system, seconds), read from /proc:
 * a backend's command line is "postgres: [<cluster>: ]<user> <database> <client> <state>". Backends that have
 * exited are not counted, so read it while the pools are still open. NaN where /proc is missing.
 */
export function postgresCpuSeconds(database: string): number {
  let total = 0;
  try {
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let cmd: string;
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        continue;
      }
      const m = /^postgres: (?:\S+: )?\S+ (\S+) /.exec(cmd.replaceAll("\0", " "));
      if (m?.[1] !== database) continue;
      const cpu = processCpuSeconds(Number(pid));
      if (!Number.isNaN(cpu)) total += cpu;
    }
    return total;
  } catch {
    return NaN;
  }
}
