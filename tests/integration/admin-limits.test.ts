import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import {
  memberships,
  organizations,
  plans,
  subscriptions,
  usageCounters,
  users,
  type LimitOverrides,
  type Plan,
  type SubscriptionStatus,
} from "@/db/schema";
import { seedDemo } from "@/demo";
import { listOrganizations, orgListQuerySchema } from "@/lib/admin";
import { addMonths, calendarMonth, usagePeriodAt, type Period } from "@/lib/plans/period";
import { getUsageOverview } from "@/lib/usage/summary";
import { createTestDatabase } from "../support/db";

/**
 * The admin list's "at or over a limit" (the page's flag and the whole-table filter) against the
 * customer dashboard's own computation, organization by organization, at a fixed instant: the
 * edges one by one, then a few hundred generated organizations.
 */

let database: Database;
let db: Db;
let planRows: Map<string, Plan>;

// The 30th of March: annual slices anchored on the 31st clamp to the 28th of February.
const NOW = new Date("2027-03-30T12:00:00.000Z");
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db);
  planRows = new Map((await db.select().from(plans)).map((p) => [p.id, p]));
});
afterAll(async () => {
  await database?.close();
});

type SubSpec = {
  plan: "free" | "pro" | "enterprise";
  cycle?: "monthly" | "annual";
  status?: SubscriptionStatus;
  start: Date;
  end?: Date;
  stripe?: boolean;
  pastDueSince?: Date | null;
  overrides?: LimitOverrides;
};
type CounterSpec = {
  metric: "executions" | "agents" | "gateways" | "storage_bytes";
  period: Period;
  value: number;
  current?: number | null;
};
type OrgSpec = { slug: string; members: number; sub: SubSpec | null; counters: CounterSpec[] };

async function createOrg(spec: OrgSpec): Promise<string> {
  const [org] = await db
    .insert(organizations)
    .values({ slug: spec.slug, name: `Limits ${spec.slug}` })
    .returning({ id: organizations.id });
  const id = org!.id;
  if (spec.members > 0) {
    const people = await db
      .insert(users)
      .values(
        Array.from({ length: spec.members }, (_, i) => ({ email: `${spec.slug}-${i}@limits.test`, name: `P${i}` })),
      )
      .returning({ id: users.id });
    await db.insert(memberships).values(
      people.map((p, i) => ({
        organizationId: id,
        userId: p.id,
        role: i === 0 ? ("owner" as const) : ("member" as const),
      })),
    );
  }
  if (spec.sub) {
    const s = spec.sub;
    const plan = planRows.get(s.plan)!;
    const cycle = s.cycle ?? "monthly";
    await db.insert(subscriptions).values({
      organizationId: id,
      planId: s.plan,
      status: s.status ?? "active",
      billingCycle: cycle,
      currentPeriodStart: s.start,
      currentPeriodEnd: s.end ?? addMonths(s.start, cycle === "annual" ? 12 : 1),
      stripeSubscriptionId: s.stripe ? `sub_${spec.slug}` : null,
      pastDueSince: s.pastDueSince ?? null,
      maxUsers: plan.maxUsers,
      maxAgents: plan.maxAgents,
      maxExecutionsPerMonth: plan.maxExecutionsPerMonth,
      maxStorageGb: plan.maxStorageGb,
      maxGateways: plan.maxGateways,
      limitOverrides: s.overrides ?? {},
    });
  }
  const seen = new Set<string>();
  const rows = spec.counters.filter((c) => {
    const key = `${c.metric}@${c.period.start.getTime()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (rows.length) {
    await db.insert(usageCounters).values(
      rows.map((c) => ({
        organizationId: id,
        metric: c.metric,
        periodStart: c.period.start,
        periodEnd: c.period.end,
        value: c.value,
        current: c.metric === "executions" ? null : c.current === undefined ? c.value : c.current,
      })),
    );
  }
  return id;
}

/** Every organization whose slug starts with `prefix`: the list's flag, the filter and the dashboard must agree. */
async function expectAgreement(prefix: string): Promise<{ reached: number; total: number }> {
  const query = (params: Record<string, string>) =>
    listOrganizations(db, orgListQuerySchema.parse({ q: prefix, perPage: "100", ...params }), NOW);
  const rows: { id: string; slug: string; atOrOverLimit: boolean }[] = [];
  for (let page = 1; ; page++) {
    const r = await query({ page: String(page) });
    rows.push(...r.rows);
    if (page >= r.pages) break;
  }
  const expected: Record<string, boolean> = {};
  const flagged: Record<string, boolean> = {};
  for (const row of rows) {
    const overview = await getUsageOverview(db, row.id, NOW);
    expected[row.slug] = overview.metrics.some((m) => m.percent !== null && m.percent >= 100);
    flagged[row.slug] = row.atOrOverLimit;
  }
  expect(flagged).toEqual(expected);
  const filtered: string[] = [];
  for (let page = 1; ; page++) {
    const r = await query({ overLimit: "1", page: String(page) });
    filtered.push(...r.rows.map((x) => x.slug));
    if (page >= r.pages) break;
  }
  const want = Object.keys(expected).filter((s) => expected[s]);
  expect(filtered.sort()).toEqual(want.sort());
  return { reached: want.length, total: rows.length };
}

const month = calendarMonth(NOW);
const lastMonth = calendarMonth(new Date(month.start.getTime() - DAY));

describe("at or over a limit: the edges", () => {
  it("agrees with the dashboard on each", async () => {
    const upgradeStart = new Date(NOW.getTime() - 10 * DAY);
    const anchor31 = new Date("2026-10-31T08:00:00.000Z");
    const slice = usagePeriodAt({ start: anchor31, end: addMonths(anchor31, 12) }, "annual", NOW);
    const previousSlice = usagePeriodAt(
      { start: anchor31, end: addMonths(anchor31, 12) },
      "annual",
      new Date(slice.start.getTime() - DAY),
    );
    const stale = { start: addMonths(month.start, -3), end: addMonths(month.start, -2) };
    const rolled = usagePeriodAt(stale, "monthly", NOW);
    const specs: OrgSpec[] = [
      // A gauge with no report this period carries its last one in: 10 agents is Free's limit.
      { slug: "edge-carry-in", members: 1, sub: null, counters: [{ metric: "agents", period: lastMonth, value: 10 }] },
      // The same, under the limit this period: this period's report wins.
      {
        slug: "edge-carry-in-lower",
        members: 1,
        sub: null,
        counters: [
          { metric: "agents", period: lastMonth, value: 10 },
          { metric: "agents", period: month, value: 2 },
        ],
      },
      // Upgraded to Pro ten days ago: the Free month's executions no longer count...
      {
        slug: "edge-upgrade-old-row",
        members: 1,
        sub: { plan: "pro", start: upgradeStart, stripe: true },
        counters: [{ metric: "executions", period: month, value: 150_000 }],
      },
      // ...and with a row of the new period beside it, the newest row counts.
      {
        slug: "edge-upgrade-both-rows",
        members: 1,
        sub: { plan: "pro", start: upgradeStart, stripe: true },
        counters: [
          { metric: "executions", period: month, value: 150_000 },
          { metric: "executions", period: { start: upgradeStart, end: addMonths(upgradeStart, 1) }, value: 5 },
        ],
      },
      {
        slug: "edge-upgrade-new-over",
        members: 1,
        sub: { plan: "pro", start: upgradeStart, stripe: true },
        counters: [
          { metric: "executions", period: { start: upgradeStart, end: addMonths(upgradeStart, 1) }, value: 100_000 },
        ],
      },
      // Annual: monthly slices anchored on the 31st; only this slice's executions count.
      {
        slug: "edge-annual-slice",
        members: 1,
        sub: { plan: "pro", cycle: "annual", start: anchor31, stripe: true },
        counters: [{ metric: "executions", period: slice, value: 100_000 }],
      },
      {
        slug: "edge-annual-previous",
        members: 1,
        sub: { plan: "pro", cycle: "annual", start: anchor31, stripe: true },
        counters: [{ metric: "executions", period: previousSlice, value: 100_000 }],
      },
      // A renewal not recorded yet: the period rolls forward.
      {
        slug: "edge-stale-period",
        members: 1,
        sub: { plan: "pro", start: stale.start, end: stale.end, stripe: true },
        counters: [{ metric: "executions", period: rolled, value: 100_000 }],
      },
      // A subscription that starts later: nothing of its period is used yet.
      {
        slug: "edge-future-start",
        members: 1,
        sub: { plan: "pro", start: new Date(NOW.getTime() + 2 * DAY), stripe: true },
        counters: [{ metric: "executions", period: month, value: 150_000 }],
      },
      // A limit of 0: any use reaches it (storage in bytes: one byte).
      {
        slug: "edge-zero-storage",
        members: 1,
        sub: { plan: "pro", start: upgradeStart, stripe: true, overrides: { maxStorageGb: 0 } },
        counters: [
          { metric: "storage_bytes", period: { start: upgradeStart, end: addMonths(upgradeStart, 1) }, value: 1 },
        ],
      },
      {
        slug: "edge-zero-unused",
        members: 1,
        sub: { plan: "pro", start: upgradeStart, stripe: true, overrides: { maxAgents: 0 } },
        counters: [],
      },
      // An override of null lifts Free's member limit only while the subscription is in force.
      {
        slug: "edge-lifted-users",
        members: 4,
        sub: { plan: "free", start: month.start, overrides: { maxUsers: null } },
        counters: [],
      },
      {
        slug: "edge-canceled-lifted",
        members: 4,
        sub: { plan: "pro", status: "canceled", start: upgradeStart, stripe: true, overrides: { maxUsers: null } },
        counters: [],
      },
      // Past due beyond the grace period: Free's limits, the subscription's period.
      {
        slug: "edge-degraded",
        members: 1,
        sub: {
          plan: "pro",
          status: "past_due",
          start: upgradeStart,
          stripe: true,
          pastDueSince: new Date(NOW.getTime() - 40 * DAY),
        },
        counters: [{ metric: "gateways", period: { start: upgradeStart, end: addMonths(upgradeStart, 1) }, value: 1 }],
      },
      {
        slug: "edge-in-grace",
        members: 1,
        sub: {
          plan: "pro",
          status: "past_due",
          start: upgradeStart,
          stripe: true,
          pastDueSince: new Date(NOW.getTime() - 2 * DAY),
        },
        counters: [{ metric: "gateways", period: { start: upgradeStart, end: addMonths(upgradeStart, 1) }, value: 1 }],
      },
      // A gauge whose current value dropped below the period's peak: the current value counts.
      {
        slug: "edge-gauge-dropped",
        members: 1,
        sub: null,
        counters: [{ metric: "agents", period: month, value: 12, current: 3 }],
      },
    ];
    for (const spec of specs) await createOrg(spec);
    const { reached, total } = await expectAgreement("edge-");
    expect(total).toBe(specs.length);
    // The edges go both ways.
    expect(reached).toBeGreaterThan(3);
    expect(reached).toBeLessThan(total - 3);
  });
});

describe("at or over a limit: generated organizations", () => {
  it("agrees with the dashboard on every one", async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const metrics = ["executions", "agents", "gateways", "storage_bytes"] as const;
    const near = (limit: number) => pick([0, 1, limit - 1, limit, limit + 1, limit * 2]);
    const specs: OrgSpec[] = [];
    for (let i = 0; i < 240; i++) {
      const kind = pick(["none", "free", "pro", "pro", "enterprise"] as const);
      let sub: SubSpec | null = null;
      let period: Period = month;
      if (kind !== "none") {
        const cycle = kind === "free" ? "monthly" : pick(["monthly", "annual"] as const);
        const start = new Date(
          NOW.getTime() - Math.floor(rand() * (cycle === "annual" ? 360 : 29)) * DAY - Math.floor(rand() * DAY),
        );
        const status = pick(["active", "active", "trialing", "past_due", "canceled"] as const);
        const overrides: LimitOverrides = {};
        if (rand() < 0.3)
          overrides[pick(["maxUsers", "maxAgents", "maxExecutionsPerMonth", "maxStorageGb", "maxGateways"] as const)] =
            pick([null, 0, 1, 2, 5, 50]);
        sub = {
          plan: kind,
          cycle,
          status,
          start,
          stripe: kind !== "free" || rand() < 0.2,
          pastDueSince: status === "past_due" ? new Date(NOW.getTime() - pick([2, 30]) * DAY) : null,
          overrides,
        };
        const paid = sub.stripe || kind !== "free";
        if (paid) period = usagePeriodAt({ start, end: addMonths(start, cycle === "annual" ? 12 : 1) }, cycle, NOW);
      }
      const limits = {
        executions: pick([10_000, 100_000]),
        agents: pick([10, 100]),
        gateways: pick([1, 10]),
        storage_bytes: pick([1, 100]) * 1_000_000_000,
      };
      const counters: CounterSpec[] = [];
      for (const metric of metrics) {
        const where = pick(["this", "this", "last", "calendar", "both", "none"] as const);
        const previous = { start: addMonths(period.start, -1), end: period.start };
        const value = near(limits[metric]);
        if (where === "this" || where === "both")
          counters.push({ metric, period, value, current: metric === "executions" ? null : near(limits[metric]) });
        if (where === "last" || where === "both")
          counters.push({ metric, period: previous, value: near(limits[metric]) });
        if (where === "calendar") counters.push({ metric, period: month, value });
      }
      specs.push({ slug: `gen-${String(i).padStart(3, "0")}`, members: pick([0, 1, 2, 3, 4]), sub, counters });
    }
    for (const spec of specs) await createOrg(spec);
    const { reached, total } = await expectAgreement("gen-");
    expect(total).toBe(specs.length);
    expect(reached).toBeGreaterThan(total / 5);
    expect(reached).toBeLessThan(total);
  });
});
