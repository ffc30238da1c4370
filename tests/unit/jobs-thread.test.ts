import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { sharedCounter, sharedMemory } from "@/lib/jobs/shared";
import { startJobsThread, type JobsThread } from "@/lib/jobs/thread";

/**
 * The jobs thread seen from the main thread (lib/jobs/thread.ts), with a stand-in thread that
 * speaks its protocol and counts what it gets in shared memory: [starts, kick messages, kicked
 * names, stops]. A kick naming "crash" makes it throw out of its message handler, as an
 * uncaught error in the real thread would.
 */
const STAND_IN = `
const { parentPort, workerData } = require("node:worker_threads");
const seen = new Int32Array(workerData.seen);
Atomics.add(seen, 0, 1);
parentPort.on("message", (m) => {
  if (m.type === "kick") {
    Atomics.add(seen, 1, 1);
    Atomics.add(seen, 2, m.names.length);
    if (m.names.includes("crash")) throw new Error("boom in the jobs thread");
  } else if (m.type === "stop") {
    Atomics.add(seen, 3, 1);
    process.exit(0);
  }
});
parentPort.postMessage({ type: "ready" });
`;

let thread: JobsThread | null = null;
afterEach(async () => {
  await thread?.stop();
  thread = null;
});

function standIn(backoff = { firstMs: 50, maxMs: 400, stableMs: 60_000 }) {
  const seen = new Int32Array(new SharedArrayBuffer(16));
  const log: string[] = [];
  thread = startJobsThread({
    entry: STAND_IN,
    eval: true,
    workerData: { seen: seen.buffer },
    log: (line) => log.push(line),
    backoff,
  });
  const count = () => ({
    starts: Atomics.load(seen, 0),
    messages: Atomics.load(seen, 1),
    names: Atomics.load(seen, 2),
    stops: Atomics.load(seen, 3),
  });
  return { thread, count, log };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the jobs thread", () => {
  it("gets the kicks of one turn in one message, names once each; kicks before it is ready wait for it", async () => {
    const { thread, count } = standIn();
    thread.kick("early");
    await thread.ready();
    await until(() => count().messages === 1);
    expect(count().names).toBe(1);
    for (let i = 0; i < 500; i++) thread.kick(i % 2 ? "stripe.webhooks" : "mail.outbox");
    await until(() => count().messages === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(count()).toMatchObject({ messages: 2, names: 3 });
  });

  it("a crash is logged and the thread started again after a backoff, kicks reaching the new one", async () => {
    const { thread, count, log } = standIn();
    await thread.ready();
    thread.kick("crash");
    await until(() => thread.starts() === 2);
    expect(log.join("\n")).toContain("the jobs thread failed: boom in the jobs thread");
    expect(log.join("\n")).toMatch(/the jobs thread stopped \(exit code 1\); starting it again in 50 ms/);
    await thread.ready();
    thread.kick("mail.outbox");
    await until(() => count().messages === 2);
    expect(count().starts).toBe(2);
  });

  it("backs off longer each time it dies young, up to the maximum", async () => {
    const { thread, log } = standIn({ firstMs: 20, maxMs: 80, stableMs: 60_000 });
    for (let i = 0; i < 4; i++) {
      await thread.ready();
      thread.kick("crash");
      await until(() => thread.starts() === i + 2);
    }
    const delays = log.filter((l) => l.includes("starting it again")).map((l) => /in (\d+) ms/.exec(l)?.[1]);
    expect(delays).toEqual(["20", "40", "80", "80"]);
  });

  it("stop: the thread is asked to stop, exits and is not started again", async () => {
    const { thread, count, log } = standIn();
    await thread.ready();
    await thread.stop();
    await new Promise((r) => setTimeout(r, 150));
    expect(count()).toMatchObject({ starts: 1, stops: 1 });
    expect(log).toEqual([]);
  });

  it("a thread that ignores stop is terminated after the timeout", async () => {
    const t = startJobsThread({
      entry: `require("node:worker_threads").parentPort.postMessage({ type: "ready" }); setInterval(() => {}, 1000);`,
      eval: true,
      log: () => {},
    });
    await t.ready();
    const t0 = Date.now();
    await t.stop(200);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});

describe("shared counters", () => {
  it("a thread handed sharedMemory() reads the counters this thread writes", async () => {
    const inFlight = sharedCounter("webhooks.deliveries_in_flight");
    inFlight.add(3);
    try {
      const worker = new Worker(
        `const { parentPort, workerData } = require("node:worker_threads");
         parentPort.postMessage(Atomics.load(new Int32Array(workerData), 0));`,
        { eval: true, workerData: sharedMemory() },
      );
      const value = await new Promise((resolve) => worker.once("message", resolve));
      await worker.terminate();
      expect(value).toBe(3);
    } finally {
      inFlight.add(-3);
    }
  });
});
