import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** Helpers of the benchmarks: percentiles, a built app server on loopback, a bounded worker pool. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * (sorted.length - 1)))]!;
}

export function summarize(latenciesMs: number[]) {
  const s = [...latenciesMs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The secrets a production server refuses to start without (lib/env.ts), for benchmark runs
 * only. The local emulator signs its webhooks with STRIPE_WEBHOOK_SECRET.
 */
export const BENCH_SECRETS = {
  AUTH_SECRET: "bench-only-auth-secret-0123456789abcdefgh",
  CRON_SECRET: "bench-only-cron-secret-0123456789abcdefgh",
  STRIPE_WEBHOOK_SECRET: "whsec_bench_only_0123456789abcdefghijklmn",
};

/**
 * The command `npm start` runs (the custom server, dist/server.cjs), bundled first from the
 * current sources so a bench never measures a stale server. PORT and HOST come from the env.
 */
export function appServerCommand(): { command: string; args: string[] } {
  const built = spawnSync(process.execPath, ["scripts/build-server.mjs"], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("bundling server.ts failed (node scripts/build-server.mjs)");
  return { command: process.execPath, args: ["dist/server.cjs"] };
}

/** Start the app as `npm start` does, from an existing build; resolves when /api/health answers. */
export async function startApp(opts: {
  distDir: string;
  port: number;
  env: Record<string, string>;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const buildId = path.resolve(opts.distDir, "BUILD_ID");
  if (!fs.existsSync(buildId)) {
    throw new Error(
      `No build found in ${opts.distDir}. Run \`npm run build\` first (or set NEXT_DIST_DIR to a folder built with NEXT_DIST_DIR=… npx next build).`,
    );
  }
  const url = `http://127.0.0.1:${opts.port}`;
  const logPath = path.join(os.tmpdir(), `agentbill-bench-server-${opts.port}.log`);
  const log = fs.openSync(logPath, "w");
  const server = appServerCommand();
  const child: ChildProcess = spawn(server.command, server.args, {
    env: {
      ...process.env,
      ...BENCH_SECRETS,
      ...opts.env,
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      NEXT_DIST_DIR: opts.distDir,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", log, log],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    fs.closeSync(log);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited early; see ${logPath}`);
    try {
      const res = await fetch(`${url}/api/health`);
      // Only ours counts: another server on the port would answer health too.
      if (res.ok && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 300));
        if (child.exitCode === null) return { url, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`The app did not become healthy within 60 s; see ${logPath}`);
}

/** Run `jobs` with `concurrency` workers, stopping early at `deadline` (epoch ms). */
export async function pool<T, R>(
  jobs: readonly T[],
  concurrency: number,
  deadline: number,
  run: (job: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length && Date.now() < deadline) {
        const job = jobs[next++]!;
        out.push(await run(job));
      }
    }),
  );
  return out;
}

/** Open-loop load: start one call every 1000/rate ms for `seconds`, whatever the previous ones do. */
export async function paced(rate: number, seconds: number, call: (i: number) => Promise<void>): Promise<void> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(call(i));
  }
  await Promise.all(inflight);
}
