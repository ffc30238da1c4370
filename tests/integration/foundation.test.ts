import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "@/db/connect";
import { rowsOf } from "@/db/types";
import {
  apiKeys,
  invoices,
  memberships,
  organizations,
  plans,
  subscriptions,
  usageCounters,
  usageEvents,
  users,
} from "@/db/schema";
import { DEMO_ADMIN, DEMO_ORGS, DEMO_PASSWORD, seedDemo } from "@/demo";
import { countOrganizationsByPlan } from "@/lib/admin/overview";
import { hashApiKey } from "@/lib/auth/api-key-format";
import { DEMO_API_KEY } from "@/demo";
import { loadCurrentUser, resolveOrgAccess } from "@/lib/auth/access";
import { verifyPassword } from "@/lib/auth/password";
import { getUsageOverview } from "@/lib/usage/summary";
import { createTestDatabase } from "../support/db";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db);
});
afterAll(async () => {
  await database?.close();
});

async function tableCounts() {
  const db = database.db;
  const n = async (t: PgTable) => Number((await db.select({ n: count() }).from(t))[0]?.n ?? 0);
  return {
    plans: await n(plans),
    users: await n(users),
    organizations: await n(organizations),
    memberships: await n(memberships),
    subscriptions: await n(subscriptions),
    usageEvents: await n(usageEvents),
    usageCounters: await n(usageCounters),
    invoices: await n(invoices),
    apiKeys: await n(apiKeys),
  };
}

describe("migrations", () => {
  it("create every table of the data model", async () => {
    const result = await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
    for (const t of [
      "organizations",
      "users",
      "memberships",
      "plans",
      "subscriptions",
      "usage_events",
      "usage_daily",
      "usage_counters",
      "usage_records",
      "invoices",
      "invoice_lines",
      "stripe_events",
      "feature_flags",
      "feature_flag_overrides",
      "audit_log",
      "api_keys",
    ]) {
      expect(tables).toContain(t);
    }
  });

  it("apply again as a no-op", async () => {
    const before = await tableCounts();
    await database.migrate();
    expect(await tableCounts()).toEqual(before);
  });

  it("enforce the unique keys the flows rely on", async () => {
    const [org] = await database.db.select().from(organizations).limit(1);
    await expect(database.db.insert(organizations).values({ slug: org!.slug, name: "Duplicate" })).rejects.toThrow();
    await database.db.insert(usageEvents).values({
      organizationId: org!.id,
      metric: "executions",
      quantity: 1,
      occurredAt: new Date(),
      idempotencyKey: "dup-key",
    });
    await expect(
      database.db.insert(usageEvents).values({
        organizationId: org!.id,
        metric: "executions",
        quantity: 1,
        occurredAt: new Date(),
        idempotencyKey: "dup-key",
      }),
    ).rejects.toThrow();
  });
});

describe("demo seed", () => {
  it("is idempotent", async () => {
    const before = await tableCounts();
    await seedDemo(database.db);
    expect(await tableCounts()).toEqual(before);
  });

  it("creates organizations on every plan, with owners, admins and members, and history", async () => {
    const byPlan = await countOrganizationsByPlan(database.db);
    const get = (id: string) => byPlan.find((p) => p.planId === id)?.organizations;
    expect(get("free")).toBe(DEMO_ORGS.filter((o) => o.plan === "free").length);
    expect(get("pro")).toBe(DEMO_ORGS.filter((o) => o.plan === "pro").length);
    expect(get("enterprise")).toBe(1);
    const roles = await database.db.select({ role: memberships.role }).from(memberships);
    expect(new Set(roles.map((r) => r.role))).toEqual(new Set(["owner", "admin", "member"]));
    const days = rowsOf<{ n: number }>(
      await database.db.execute(
        sql`select count(distinct (occurred_at at time zone 'UTC')::date)::int as n from usage_events`,
      ),
    );
    expect(Number(days[0]?.n)).toBeGreaterThanOrEqual(90);
    const [admin] = await database.db.select().from(users).where(eq(users.email, DEMO_ADMIN.email));
    expect(admin?.isPlatformAdmin).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORD, admin?.passwordHash)).toBe(true);
    expect(await verifyPassword("wrong", admin?.passwordHash)).toBe(false);
  });

  it("stores the demo API key only as a hash", async () => {
    const rows = await database.db.select().from(apiKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.keyHash).toBe(hashApiKey(DEMO_API_KEY));
    expect(JSON.stringify(rows)).not.toContain(DEMO_API_KEY);
  });

  it("gives Globex (Free) usage close to its execution limit", async () => {
    const [globex] = await database.db.select().from(organizations).where(eq(organizations.slug, "globex"));
    const overview = await getUsageOverview(database.db, globex!.id);
    expect(overview.plan.id).toBe("free");
    const users = overview.metrics.find((m) => m.metric === "users")!;
    expect(users).toMatchObject({ used: 3, limit: 3, percent: 100 });
    const executions = overview.metrics.find((m) => m.metric === "executions")!;
    expect(executions.limit).toBe(10_000);
    expect(executions.used).toBeGreaterThan(0);
  });
});

describe("access guards", () => {
  async function user(email: string) {
    const [u] = await database.db.select().from(users).where(eq(users.email, email));
    return (await loadCurrentUser(database.db, u!.id))!;
  }

  it("load the user's memberships and roles", async () => {
    const ada = await user("owner@acme.test");
    expect(ada.memberships.map((m) => [m.slug, m.role]).sort()).toEqual([
      ["acme", "owner"],
      ["initech", "admin"],
    ]);
    expect(ada.isPlatformAdmin).toBe(false);
  });

  it("let a member in with their role", async () => {
    const access = await resolveOrgAccess(database.db, await user("member@acme.test"), "acme", "member");
    expect(access).toMatchObject({ ok: true, role: "member", viaPlatformAdmin: false });
  });

  it("refuse the wrong role", async () => {
    const access = await resolveOrgAccess(database.db, await user("member@acme.test"), "acme", "admin");
    expect(access).toEqual({ ok: false, reason: "insufficient_role", role: "member" });
    const admin = await resolveOrgAccess(database.db, await user("admin@acme.test"), "acme", "owner");
    expect(admin.ok).toBe(false);
  });

  it("refuse another organization, and do not tell it apart from a missing one", async () => {
    const globexOwner = await user("owner@globex.test");
    expect(await resolveOrgAccess(database.db, globexOwner, "acme", "member")).toEqual({
      ok: false,
      reason: "no_access",
    });
    expect(await resolveOrgAccess(database.db, globexOwner, "no-such-org", "member")).toEqual({
      ok: false,
      reason: "no_access",
    });
  });

  it("let a platform admin read any organization but not act as its admin", async () => {
    const staff = await user(DEMO_ADMIN.email);
    expect(await resolveOrgAccess(database.db, staff, "acme", "member")).toMatchObject({
      ok: true,
      viaPlatformAdmin: true,
      role: "member",
    });
    expect((await resolveOrgAccess(database.db, staff, "acme", "admin")).ok).toBe(false);
  });
});
