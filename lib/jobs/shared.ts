/**
 * Counters the process's threads read and write together (one SharedArrayBuffer): the main
 * thread serves requests, the jobs thread (lib/jobs/thread.ts) runs the scheduled jobs, and a job
 * may want to know what the requests are doing right now, e.g. the webhook worker gives way while
 * the receiver has deliveries in hand. The main thread hands the memory to the jobs thread at
 * its start (`sharedMemory()` → `adoptSharedMemory`); a read or a write is one atomic operation.
 */
const SLOTS = ["webhooks.deliveries_in_flight"] as const;

export type SharedCounterName = (typeof SLOTS)[number];

const g = globalThis as unknown as { __jobsSharedMemory?: Int32Array };

function memory(): Int32Array {
  g.__jobsSharedMemory ??= new Int32Array(new SharedArrayBuffer(SLOTS.length * Int32Array.BYTES_PER_ELEMENT));
  return g.__jobsSharedMemory;
}

/** This thread's counters' memory, to hand to a thread that should see them. */
export function sharedMemory(): SharedArrayBuffer {
  return memory().buffer as SharedArrayBuffer;
}

/** In the jobs thread, before anything reads a counter: use the main thread's counters. */
export function adoptSharedMemory(buffer: SharedArrayBuffer): void {
  g.__jobsSharedMemory = new Int32Array(buffer);
}

export type SharedCounter = { add(delta: number): void; get(): number };

export function sharedCounter(name: SharedCounterName): SharedCounter {
  const slot = SLOTS.indexOf(name);
  return {
    add: (delta) => void Atomics.add(memory(), slot, delta),
    get: () => Atomics.load(memory(), slot),
  };
}
