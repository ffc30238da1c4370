import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { getDailySeries, getPeriodComparison } from "@/lib/usage/series";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans, exec, gauge } from "./usage-fixtures";

let database: Database;
let orgId: string;
const now = new Date("2026-11-24T12:00:00Z");
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
  orgId = (await createOrg(database.db)).id; // Free: calendar months
  await ingestUsageEvents(
    database.db,
    orgId,
    [
      exec("o1", at("2026-10-22T10:00:00Z"), 100),
      exec("o2", at("2026-10-23T10:00:00Z"), 50),
      exec("o3", at("2026-10-30T10:00:00Z"), 400),
      exec("n1", at("2026-11-02T10:00:00Z"), 120),
      exec("n2", at("2026-11-23T10:00:00Z"), 60),
      gauge("a0", "agents", at("2026-10-29T10:00:00Z"), 6),
      gauge("a1", "agents", at("2026-11-03T08:00:00Z"), 9),
      gauge("a2", "agents", at("2026-11-03T20:00:00Z"), 7),
    ],
    { now },
  );
});
afterAll(async () => {
  await database?.close();
});

describe("daily series", () => {
  it("has one point per day: executions summed, gauges at the day's maximum and held between reports", async () => {
    const points = await getDailySeries(database.db, orgId, { from: "2026-11-01", to: "2026-11-05" });
    expect(points).toEqual([
      { day: "2026-11-01", executions: 0, agents: 6, gateways: 0, storage_bytes: 0 },
      { day: "2026-11-02", executions: 120, agents: 6, gateways: 0, storage_bytes: 0 },
      { day: "2026-11-03", executions: 0, agents: 9, gateways: 0, storage_bytes: 0 },
      { day: "2026-11-04", executions: 0, agents: 7, gateways: 0, storage_bytes: 0 },
      { day: "2026-11-05", executions: 0, agents: 7, gateways: 0, storage_bytes: 0 },
    ]);
  });
});

describe("period over period", () => {
  it("compares this period with the previous one, and executions with the same days of it", async () => {
    const c = await getPeriodComparison(database.db, orgId, now);
    expect(c.current.start).toEqual(at("2026-11-01T00:00:00Z"));
    expect(c.previous).toEqual({ start: at("2026-10-01T00:00:00Z"), end: at("2026-11-01T00:00:00Z") });
    const executions = c.metrics.find((m) => m.metric === "executions")!;
    // 24 days into November; October's first 24 days (to Oct 24, exclusive of Oct 25) had 150.
    expect(executions).toEqual({
      metric: "executions",
      current: 180,
      previous: 550,
      previousToDate: 150,
      changePercent: 20,
    });
    const agents = c.metrics.find((m) => m.metric === "agents")!;
    expect(agents).toMatchObject({ current: 9, previous: 6, previousToDate: null, changePercent: 50 });
    expect(c.metrics.find((m) => m.metric === "gateways")).toMatchObject({
      current: 0,
      previous: 0,
      changePercent: null,
    });
  });
});
