import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { readyDb } from "@/db/client";
import { currentDate, EngineDate } from "@/lib/engine-date";

/** The API's hot path reads the process's database client without waiting, once it is open. */

const g = globalThis as unknown as { __appDatabase?: Promise<Database> };
const fake = (name: string) => ({ db: { name } }) as unknown as Database;
const tick = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  g.__appDatabase = undefined;
});

describe("readyDb", () => {
  it("is undefined until the client's promise has settled, then that client's db", async () => {
    expect(readyDb()).toBeUndefined();
    const first = fake("first");
    g.__appDatabase = Promise.resolve(first);
    expect(readyDb()).toBeUndefined();
    await tick();
    expect(readyDb()).toBe(first.db);
    // A client replaced (tests, a failed start retried): the new one, once settled; never the old.
    const second = fake("second");
    g.__appDatabase = Promise.resolve(second);
    expect(readyDb()).toBeUndefined();
    await tick();
    expect(readyDb()).toBe(second.db);
  });

  it("stays undefined for a client that failed to open", async () => {
    const failed = Promise.reject(new Error("no database"));
    failed.catch(() => {});
    g.__appDatabase = failed;
    expect(readyDb()).toBeUndefined();
    await tick();
    expect(readyDb()).toBeUndefined();
  });
});

describe("engine dates", () => {
  it("are Dates like any other, made from the global clock", () => {
    const before = Date.now();
    const now = currentDate();
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
    expect(now.getTime()).toBeLessThanOrEqual(Date.now());
    expect(new EngineDate("2026-12-06T03:00:00Z").toISOString()).toBe("2026-12-06T03:00:00.000Z");
  });
});
