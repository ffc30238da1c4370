import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { memberships, organizations, users } from "@/db/schema";
import { DEMO_ORGS, seedDemo } from "@/demo";
import { getOrganizationDetailOrThrow, listOrganizations, orgListQuerySchema, setLimitOverride } from "@/lib/admin";
import { getUsageOverview } from "@/lib/usage/summary";
import { createTestDatabase } from "../support/db";
import { orgIdOf, staffActor } from "./admin-helpers";

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db);
  await db.update(organizations).set({ stripeCustomerId: "cus_Hooli123" }).where(eq(organizations.slug, "hooli"));
});
afterAll(async () => {
  await database?.close();
});

const list = (params: Record<string, string>) => listOrganizations(db, orgListQuerySchema.parse(params));
const slugs = async (params: Record<string, string>) => (await list(params)).rows.map((r) => r.slug);

describe("organization search", () => {
  it("finds by part of the name, any case", async () => {
    expect(await slugs({ q: "ROBOT" })).toEqual(["acme"]);
    expect(await slugs({ q: "labs" })).toEqual(["umbrella"]);
  });
  it("finds by slug, owner email, Stripe customer id and id", async () => {
    expect(await slugs({ q: "initech" })).toEqual(["initech"]);
    expect(await slugs({ q: "owner@umbrella.test" })).toEqual(["umbrella"]);
    // Ada owns Acme and is only an admin of Initech: owner email finds just Acme.
    expect(await slugs({ q: "owner@acme" })).toEqual(["acme"]);
    expect(await slugs({ q: "cus_Hooli" })).toEqual(["hooli"]);
    expect(await slugs({ q: await orgIdOf(db, "globex") })).toEqual(["globex"]);
  });
  it("treats % and _ literally", async () => {
    expect(await slugs({ q: "%" })).toEqual([]);
    expect(await slugs({ q: "_" })).toEqual([]);
  });
});

describe("filters, sort and pages", () => {
  it("filters by plan, status and past due", async () => {
    expect(await slugs({ plan: "free" })).toEqual(["globex", "umbrella"]);
    expect(await slugs({ plan: "pro", sort: "name", dir: "desc" })).toEqual(["hooli", "acme"]);
    expect(await slugs({ pastDue: "1" })).toEqual(["hooli"]);
    expect(await slugs({ status: "suspended" })).toEqual([]);
  });

  it("flags organizations at or over a limit exactly as the customer's dashboard computes them", async () => {
    const all = (await list({ perPage: "100" })).rows;
    for (const row of all) {
      const overview = await getUsageOverview(db, row.id);
      const reached = overview.metrics.some((m) => m.percent !== null && m.percent >= 100);
      expect({ slug: row.slug, reached: row.atOrOverLimit }).toEqual({ slug: row.slug, reached });
    }
    // The set-based filter agrees with the per-row flag.
    expect(await slugs({ overLimit: "1", perPage: "100" })).toEqual(
      all.filter((r) => r.atOrOverLimit).map((r) => r.slug),
    );
    // Globex is at its 3-user limit (and its one gateway).
    expect(await slugs({ overLimit: "1" })).toContain("globex");
    // Overrides that lift those limits take it off the list (unless executions reached theirs).
    const globex = await orgIdOf(db, "globex");
    const actor = await staffActor(db);
    await setLimitOverride(db, globex, { key: "maxUsers", value: null, reason: "test" }, actor);
    await setLimitOverride(db, globex, { key: "maxGateways", value: 5, reason: "test" }, actor);
    const reached = (await getUsageOverview(db, globex)).metrics.some((m) => m.percent !== null && m.percent >= 100);
    expect((await list({ q: "globex" })).rows[0]!.atOrOverLimit).toBe(reached);
    expect((await slugs({ overLimit: "1" })).includes("globex")).toBe(reached);
  });

  it("applies Free's limits to an organization without a subscription", async () => {
    const [org] = await db
      .insert(organizations)
      .values({ slug: "nosub-co", name: "No Sub Co" })
      .returning({ id: organizations.id });
    const people = await db
      .insert(users)
      .values([1, 2, 3].map((i) => ({ email: `p${i}@nosub.test`, name: `P ${i}` })))
      .returning({ id: users.id });
    await db.insert(memberships).values(
      people.map((p, i) => ({
        organizationId: org!.id,
        userId: p.id,
        role: i === 0 ? ("owner" as const) : ("member" as const),
      })),
    );
    expect((await getUsageOverview(db, org!.id)).metrics.find((m) => m.metric === "users")?.percent).toBe(100);
    expect((await list({ q: "nosub" })).rows[0]).toMatchObject({
      slug: "nosub-co",
      planId: "free",
      atOrOverLimit: true,
      members: 3,
    });
    expect(await slugs({ overLimit: "1", q: "nosub" })).toEqual(["nosub-co"]);
    await db.delete(organizations).where(eq(organizations.id, org!.id));
  });

  it("sorts and pages with a total", async () => {
    expect(await slugs({ sort: "plan" })).toEqual(["globex", "umbrella", "acme", "hooli", "initech"]);
    const page1 = await list({ perPage: "25" });
    expect(page1).toMatchObject({ total: DEMO_ORGS.length, pages: 1, page: 1 });
    const beyond = await list({ page: "3" });
    expect(beyond.rows).toEqual([]);
    expect(beyond.total).toBe(DEMO_ORGS.length);
  });

  it("shows each row's owner, members and plan", async () => {
    const [acme] = (await list({ q: "acme" })).rows;
    expect(acme).toMatchObject({
      slug: "acme",
      ownerEmail: "owner@acme.test",
      members: 6,
      planId: "pro",
      planName: "Pro",
      subscriptionStatus: "active",
      seats: 6,
    });
  });
});

describe("organization detail", () => {
  it("gathers members, subscription, usage, invoices, keys, flags and audit", async () => {
    const id = await orgIdOf(db, "acme");
    const d = await getOrganizationDetailOrThrow(db, id);
    expect(d.organization.slug).toBe("acme");
    expect(d.members.map((m) => m.email)).toContain("owner@acme.test");
    expect(d.usage.plan.id).toBe("pro");
    expect(d.recurringCents).toBe(6 * 4_900);
    expect(d.invoices.length).toBeGreaterThan(0);
    expect(d.apiKeys).toHaveLength(1);
    expect(d.flags.map((f) => f.key).sort()).toEqual(["agent-marketplace", "usage-forecast"]);
    const executions = d.usage.metrics.find((m) => m.metric === "executions")!;
    expect(d.executionsThisPeriod.at(-1)?.cumulative).toBe(executions.used);
  });
  it("answers not found for an unknown or malformed id", async () => {
    await expect(getOrganizationDetailOrThrow(db, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getOrganizationDetailOrThrow(db, "acme")).rejects.toMatchObject({ code: "not_found" });
  });
});
