import "server-only";
import os from "node:os";
import { parentPort, Worker } from "node:worker_threads";
import { describeFailure } from "./failure";
import type { JobRunner } from "./runner";

/**
 * The scheduled jobs in a thread of their own (a `worker_threads` Worker of the app's process),
 * so that their JavaScript (the webhook worker: 1–2 ms of CPU per event) does not run on the
 * event loop that answers requests. Same process, same port, one command: the main thread starts
 * the thread at start-up (lib/server/startup.ts) and talks to it in two messages:
 *
 *   main → thread  { type: "kick", names }   run these jobs now (coalesced: one message per turn)
 *                  { type: "stop" }           stop the runner, close the pool, exit
 *   thread → main  { type: "ready" }         the runner is started: pending kicks are sent
 *
 * A thread that dies (an uncaught error, an exit) is logged and started again after a backoff
 * (1 s, doubling up to a minute; back to 1 s once a thread lived a minute). It never takes the
 * server down: the main thread only logs.
 */
export type JobsThreadMessage = { type: "kick"; names: string[] } | { type: "stop" };
export type JobsThreadReply = { type: "ready" };

export type JobsThreadOptions = {
  /** The thread's script (dist/jobs-thread.cjs), or its source with `eval: true` (tests). */
  entry: string | URL;
  eval?: boolean;
  workerData?: unknown;
  /** The thread's environment (default: a copy of this thread's, taken at each start). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  backoff?: { firstMs: number; maxMs: number; stableMs: number };
};

export type JobsThread = JobRunner & {
  /** Ask the thread to stop and wait for it; terminated if it has not exited after `timeoutMs` (4 s). */
  stop(timeoutMs?: number): Promise<void>;
  /** How many times the thread was started (1 until it died once). */
  starts(): number;
  /** Resolves when the current thread says it is ready. */
  ready(): Promise<void>;
};

const BACKOFF = { firstMs: 1_000, maxMs: 60_000, stableMs: 60_000 };

export function startJobsThread(opts: JobsThreadOptions): JobsThread {
  const log = opts.log ?? ((line: string) => console.error(line));
  const backoff = opts.backoff ?? BACKOFF;
  const pending = new Set<string>();
  let worker: Worker | null = null;
  let isReady = false;
  let flushQueued = false;
  let stopping = false;
  let failuresInARow = 0;
  let startedAt = 0;
  let starts = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let readyWaiters: (() => void)[] = [];

  const flush = () => {
    flushQueued = false;
    if (!worker || !isReady || pending.size === 0) return;
    const message: JobsThreadMessage = { type: "kick", names: [...pending] };
    pending.clear();
    worker.postMessage(message);
  };

  const spawn = () => {
    restartTimer = null;
    starts++;
    startedAt = Date.now();
    isReady = false;
    const w = new Worker(opts.entry, {
      eval: opts.eval ?? false,
      workerData: opts.workerData,
      // Default: a copy of this thread's environment (.env files loaded, NODE_ENV set) at each start.
      ...(opts.env ? { env: opts.env } : {}),
      name: "agentbill-jobs",
    });
    worker = w;
    w.on("message", (m: JobsThreadReply) => {
      if (m?.type !== "ready" || worker !== w) return;
      isReady = true;
      for (const resolve of readyWaiters) resolve();
      readyWaiters = [];
      flush();
    });
    w.on("error", (err) => {
      const failure = describeFailure(err);
      log(`[jobs] the jobs thread failed: ${failure.message}\n${failure.detail}`);
    });
    w.on("exit", (code) => {
      if (worker === w) {
        worker = null;
        isReady = false;
      }
      if (stopping) return;
      if (Date.now() - startedAt >= backoff.stableMs) failuresInARow = 0;
      const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** failuresInARow);
      failuresInARow++;
      const wait = delay < 1_000 ? `${delay} ms` : `${Math.round(delay / 1_000)} s`;
      log(`[jobs] the jobs thread stopped (exit code ${code}); starting it again in ${wait}.`);
      restartTimer = setTimeout(spawn, delay);
      restartTimer.unref();
    });
  };

  spawn();
  return {
    kick(name) {
      pending.add(name);
      if (!flushQueued && isReady) {
        flushQueued = true;
        setImmediate(flush);
      }
    },
    starts: () => starts,
    ready: () => (isReady ? Promise.resolve() : new Promise<void>((resolve) => readyWaiters.push(resolve))),
    async stop(timeoutMs: number = 4_000) {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      w.postMessage({ type: "stop" } satisfies JobsThreadMessage);
      const timer = setTimeout(() => void w.terminate(), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * In the jobs thread: take the main thread's kicks to `runner`; on "stop", stop it (running jobs
 * see their signal aborted and finish their unit of work), run `close` (the pool) and exit.
 */
export function serveJobsThread(runner: JobRunner, close: () => Promise<void>): void {
  const port = parentPort;
  if (!port) throw new Error("serveJobsThread runs in a worker thread.");
  port.on("message", (m: JobsThreadMessage) => {
    if (m.type === "kick") for (const name of m.names) runner.kick(name);
    else if (m.type === "stop")
      void runner
        .stop()
        .then(close)
        .catch(() => undefined)
        .finally(() => process.exit(0));
  });
  port.postMessage({ type: "ready" } satisfies JobsThreadReply);
}

/**
 * The jobs thread's CPU priority, below the main thread's: on a busy machine the kernel gives the
 * receiver's thread the CPU first and the jobs what is left (idle CPU they still use in full).
 * Linux only, where a nice value belongs to a thread (setpriority on the calling thread's id);
 * elsewhere it would lower the whole process, so nothing is done there.
 */
export const JOBS_THREAD_NICE = 10;

export function lowerThisThreadsPriority(nice = JOBS_THREAD_NICE): boolean {
  if (process.platform !== "linux" || !parentPort) return false;
  try {
    os.setPriority(nice);
    return true;
  } catch {
    return false;
  }
}
