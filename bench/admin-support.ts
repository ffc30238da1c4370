import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Helpers of the admin benchmark: percentiles, formatting, and a built app on loopback. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** `next start` from an existing build; resolves when /api/health answers. */
export async function startApp(opts: { distDir: string; port: number; env: Record<string, string> }): Promise<{ url: string; stop: () => Promise<void> }> {
  const url = `http://127.0.0.1:${opts.port}`;
  // Inside the build folder, which git ignores.
  const logPath = path.resolve(opts.distDir, `bench-admin-server-${opts.port}.log`);
  const log = fs.openSync(logPath, "w");
  const child: ChildProcess = spawn("./node_modules/.bin/next", ["start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...opts.env, NEXT_DIST_DIR: opts.distDir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
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
      if ((await fetch(`${url}/api/health`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`The app did not become healthy within 60 s; see ${logPath}`);
}
