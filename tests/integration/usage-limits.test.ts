import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { memberships, users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { ingestUsageEvents } from "@/lib/usage/ingest";
import { assertWithinLimit, checkLimit } from "@/lib/usage/limits";
import { getUsageOverview } from "@/lib/usage/summary";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans, exec, gauge } from "./usage-fixtures";

let database: Database;
const now = new Date("2026-11-24T12:00:00Z");
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => {
  await database?.close();
});

describe("checkLimit", () => {
  it("allows up to a hard limit and refuses past it, saying why", async () => {
    const org = await createOrg(database.db); // Free: 10,000 executions
    await ingestUsageEvents(database.db, org.id, [exec("e", at("2026-11-20T10:00:00Z"), 9_990)], { now });
    expect(await checkLimit(database.db, org.id, "executions", 10, now)).toMatchObject({
      allowed: true,
      limit: 10_000,
      used: 9_990,
      remaining: 10,
      overage: 0,
    });
    const refused = await checkLimit(database.db, org.id, "executions", 11, now);
    expect(refused).toMatchObject({ allowed: false, limit: 10_000, used: 9_990, remaining: 10 });
    expect(refused.reason).toMatch(/Free plan's limit of 10,000/);
    // Last month's executions do not count this month.
    expect((await checkLimit(database.db, org.id, "executions", 1, at("2026-12-02T00:00:00Z"))).used).toBe(0);
  });

  it("always allows an unlimited metric", async () => {
    const org = await createOrg(database.db, { plan: "pro" });
    expect(await checkLimit(database.db, org.id, "users", 1_000, now)).toMatchObject({
      allowed: true,
      limit: null,
      remaining: null,
    });
  });

  it("applies per-organization overrides, including lifting a limit", async () => {
    const raised = await createOrg(database.db, { overrides: { maxExecutionsPerMonth: 50_000, maxAgents: null } });
    expect(await checkLimit(database.db, raised.id, "executions", 20_000, now)).toMatchObject({
      allowed: true,
      limit: 50_000,
    });
    expect(await checkLimit(database.db, raised.id, "agents", 500, now)).toMatchObject({ allowed: true, limit: null });
  });

  it("allows and counts overage when the plan prices it", async () => {
    const org = await createOrg(database.db, {
      plan: "enterprise",
      limits: { maxExecutionsPerMonth: 1_000, maxAgents: 5 },
    });
    await ingestUsageEvents(database.db, org.id, [exec("e", at("2026-11-20T10:00:00Z"), 900)], { now });
    const c = await checkLimit(database.db, org.id, "executions", 300, now);
    expect(c).toMatchObject({ allowed: true, limit: 1_000, used: 900, remaining: 100, overage: 200 });
    expect(c.reason).toMatch(/billed as overage/);
    // Agents carry no overage price on Enterprise: hard.
    await ingestUsageEvents(database.db, org.id, [gauge("a", "agents", at("2026-11-20T10:00:00Z"), 5)], { now });
    expect(await checkLimit(database.db, org.id, "agents", 1, now)).toMatchObject({ allowed: false, used: 5 });
  });

  it("counts a gauge's current value even when it was last reported in an earlier period", async () => {
    const org = await createOrg(database.db); // Free: 10 agents
    await ingestUsageEvents(database.db, org.id, [gauge("a", "agents", at("2026-10-30T10:00:00Z"), 10)], { now });
    expect(await checkLimit(database.db, org.id, "agents", 1, now)).toMatchObject({
      allowed: false,
      used: 10,
      limit: 10,
    });
    const overview = await getUsageOverview(database.db, org.id, now);
    expect(overview.metrics.find((m) => m.metric === "agents")).toMatchObject({ used: 10, peak: 10, percent: 100 });
  });

  it("counts storage in bytes against a limit in GB", async () => {
    const org = await createOrg(database.db); // Free: 1 GB
    await ingestUsageEvents(
      database.db,
      org.id,
      [gauge("s", "storage_bytes", at("2026-11-20T10:00:00Z"), 900_000_000)],
      { now },
    );
    expect(await checkLimit(database.db, org.id, "storage_bytes", 100_000_000, now)).toMatchObject({
      allowed: true,
      remaining: 100_000_000,
    });
    expect((await checkLimit(database.db, org.id, "storage_bytes", 100_000_001, now)).allowed).toBe(false);
  });

  it("falls back to Free's limits when past due beyond the grace period", async () => {
    const org = await createOrg(database.db, { plan: "pro", status: "past_due" });
    const { subscriptions } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    await database.db
      .update(subscriptions)
      .set({ pastDueSince: at("2026-10-01T00:00:00Z") })
      .where(eq(subscriptions.organizationId, org.id));
    expect(await checkLimit(database.db, org.id, "gateways", 2, now)).toMatchObject({ allowed: false, limit: 1 });
  });
});

describe("assertWithinLimit", () => {
  it("guards an in-product action: a 4th member on Free is refused with the limit and the upgrade", async () => {
    const org = await createOrg(database.db);
    const people = await database.db
      .insert(users)
      .values([1, 2, 3].map((i) => ({ email: `p${i}-${org.slug}@test.dev`, name: `P${i}` })))
      .returning({ id: users.id });
    await database.db.insert(memberships).values(people.map((u) => ({ organizationId: org.id, userId: u.id })));
    const err = await assertWithinLimit(database.db, org.id, "users", 1, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("limit_exceeded");
    expect((err as AppError).status).toBe(403);
    expect((err as AppError).message).toMatch(/limit of 3/);
    expect((err as AppError).message).toMatch(/Upgrade/);
    const ok = await createOrg(database.db, { plan: "pro" });
    await expect(assertWithinLimit(database.db, ok.id, "users", 1, now)).resolves.toMatchObject({ allowed: true });
  });
});
