import { describe, expect, it } from "vitest";
import { calendarMonth } from "@/lib/plans/period";
import { aggregateBatch, type InsertedEvent } from "@/lib/usage/fold";

const nov = calendarMonth(new Date("2026-11-15T00:00:00Z"));
const oct = calendarMonth(new Date("2026-10-15T00:00:00Z"));
let nextId = 1;
const ev = (
  metric: InsertedEvent["metric"],
  quantity: number,
  iso: string,
  period = nov,
  id = nextId++,
): InsertedEvent => ({
  id,
  metric,
  quantity,
  occurredAt: new Date(iso),
  period,
});

describe("folding a batch", () => {
  it("adds counter quantities per period and per UTC day", () => {
    const fold = aggregateBatch([
      ev("executions", 10, "2026-11-02T10:00:00Z"),
      ev("executions", 5, "2026-11-02T23:59:59Z"),
      ev("executions", 20, "2026-11-03T00:00:00Z"),
      ev("executions", 999, "2026-10-31T23:59:59Z", oct),
    ]);
    expect(fold.counters.map((c) => [c.periodStart.toISOString().slice(0, 10), c.value, c.count, c.lastValue])).toEqual(
      [
        ["2026-10-01", 999, 1, null],
        ["2026-11-01", 35, 3, null],
      ],
    );
    expect(fold.daily.map((d) => [d.day, d.value, d.count])).toEqual([
      ["2026-10-31", 999, 1],
      ["2026-11-02", 15, 2],
      ["2026-11-03", 20, 1],
    ]);
    expect(fold.earliestGauge).toEqual([]);
  });

  it("keeps a gauge's maximum and its latest observation, whatever the order of the batch", () => {
    const fold = aggregateBatch([
      ev("agents", 9, "2026-11-02T18:00:00Z"),
      ev("agents", 12, "2026-11-02T09:00:00Z"),
      ev("agents", 7, "2026-11-05T09:00:00Z"),
    ]);
    expect(fold.counters).toHaveLength(1);
    expect(fold.counters[0]).toMatchObject({
      metric: "agents",
      value: 12,
      lastValue: 7,
      lastAt: new Date("2026-11-05T09:00:00Z"),
      count: 3,
    });
    expect(fold.daily.map((d) => [d.day, d.value, d.lastValue])).toEqual([
      ["2026-11-02", 12, 9],
      ["2026-11-05", 7, 7],
    ]);
    expect(fold.earliestGauge).toEqual([{ metric: "agents", at: new Date("2026-11-02T09:00:00Z") }]);
  });

  it("breaks a tie in time by the later insert (the higher id), as the rebuild does", () => {
    const fold = aggregateBatch([
      ev("gateways", 2, "2026-11-02T10:00:00Z", nov, 501),
      ev("gateways", 3, "2026-11-02T10:00:00Z", nov, 500),
    ]);
    expect(fold.counters[0]).toMatchObject({ value: 3, lastValue: 2 });
  });

  it("keeps counters and gauges apart, sorted by metric then period or day (the lock order)", () => {
    const fold = aggregateBatch([
      ev("storage_bytes", 5, "2026-11-02T10:00:00Z"),
      ev("executions", 1, "2026-11-03T10:00:00Z"),
      ev("agents", 4, "2026-11-01T10:00:00Z"),
      ev("executions", 1, "2026-11-02T10:00:00Z"),
    ]);
    expect(fold.counters.map((c) => c.metric)).toEqual(["agents", "executions", "storage_bytes"]);
    expect(fold.daily.map((d) => `${d.metric}:${d.day}`)).toEqual([
      "agents:2026-11-01",
      "executions:2026-11-02",
      "executions:2026-11-03",
      "storage_bytes:2026-11-02",
    ]);
  });
});
