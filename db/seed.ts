import { count, sql } from "drizzle-orm";
import { DEMO_API_KEY, displayPrefix, hashApiKey } from "@/lib/auth/api-key-format";
import { hashPassword } from "@/lib/auth/password";
import { multiplyMinor } from "@/lib/money";
import { catalogPlan, addMonths, calendarMonth, usagePeriodAt, type Period } from "@/lib/plans";
import { syncPlanCatalog } from "@/lib/plans/server";
import { closeEndedPeriods, rebuildCounters, rebuildDaily, startOfUtcDay } from "@/lib/usage";
import {
  apiKeys,
  featureFlags,
  invoiceLines,
  invoices,
  memberships,
  organizations,
  subscriptions,
  usageEvents,
  users,
  type MemberRole,
} from "./schema";
import type { Db } from "./types";

/**
 * Demo data: every insert is keyed (email, slug, idempotency key, invoice number), so running
 * the seed again adds only what is missing (e.g. the days since the last run).
 */

export const DEMO_PASSWORD = "demo-password";
/** The memo of the seeded history invoices (demo-link removes those of periods Stripe then bills). */
export const SEEDED_INVOICE_MEMO = "Demo history (seeded)";

type DemoOrg = {
  slug: string;
  name: string;
  plan: "free" | "pro" | "enterprise";
  cycle: "monthly" | "annual";
  /** Day of the month the paid subscription renews on (paid plans). */
  anchor?: { month: number; day: number };
  members: { email: string; name: string; role: MemberRole }[];
  usage: {
    executionsPerDay: number;
    agents: [number, number];
    gateways: [number, number];
    storageGb: [number, number];
  };
  status?: "past_due";
  custom?: {
    pricePerSeatCents: number;
    maxAgents: number;
    maxExecutionsPerMonth: number;
    maxStorageGb: number;
    maxGateways: number;
  };
};

export const DEMO_ADMIN = { email: "staff@agentbill.test", name: "Pat Platform" };

export const DEMO_ORGS: DemoOrg[] = [
  {
    slug: "acme",
    name: "Acme Robotics",
    plan: "pro",
    cycle: "monthly",
    anchor: { month: 0, day: 8 },
    members: [
      { email: "owner@acme.test", name: "Ada Lovelace", role: "owner" },
      { email: "admin@acme.test", name: "Grace Hopper", role: "admin" },
      { email: "member@acme.test", name: "Alan Turing", role: "member" },
      { email: "katherine@acme.test", name: "Katherine Johnson", role: "member" },
      { email: "edsger@acme.test", name: "Edsger Dijkstra", role: "member" },
      { email: "barbara@acme.test", name: "Barbara Liskov", role: "member" },
    ],
    usage: { executionsPerDay: 2_300, agents: [28, 46], gateways: [3, 4], storageGb: [22, 38] },
  },
  {
    slug: "globex",
    name: "Globex",
    plan: "free",
    cycle: "monthly",
    members: [
      { email: "owner@globex.test", name: "Hank Scorpio", role: "owner" },
      { email: "member@globex.test", name: "Homer Simpson", role: "member" },
      { email: "frank@globex.test", name: "Frank Grimes", role: "member" },
    ],
    usage: { executionsPerDay: 395, agents: [5, 8], gateways: [1, 1], storageGb: [0.3, 0.7] },
  },
  {
    slug: "initech",
    name: "Initech",
    plan: "enterprise",
    cycle: "annual",
    anchor: { month: 2, day: 15 },
    members: [
      { email: "owner@initech.test", name: "Bill Lumbergh", role: "owner" },
      { email: "owner@acme.test", name: "Ada Lovelace", role: "admin" },
      { email: "peter@initech.test", name: "Peter Gibbons", role: "member" },
      { email: "milton@initech.test", name: "Milton Waddams", role: "member" },
    ],
    usage: { executionsPerDay: 41_000, agents: [180, 240], gateways: [18, 24], storageGb: [410, 520] },
    custom: {
      pricePerSeatCents: 420_00,
      maxAgents: 500,
      maxExecutionsPerMonth: 2_000_000,
      maxStorageGb: 2_000,
      maxGateways: 50,
    },
  },
  {
    slug: "umbrella",
    name: "Umbrella Labs",
    plan: "free",
    cycle: "monthly",
    members: [{ email: "owner@umbrella.test", name: "Alice Abernathy", role: "owner" }],
    usage: { executionsPerDay: 60, agents: [1, 3], gateways: [0, 1], storageGb: [0.02, 0.1] },
  },
  {
    slug: "hooli",
    name: "Hooli",
    plan: "pro",
    cycle: "monthly",
    anchor: { month: 0, day: 21 },
    status: "past_due",
    members: [
      { email: "owner@hooli.test", name: "Gavin Belson", role: "owner" },
      { email: "member@hooli.test", name: "Nelson Bighetti", role: "member" },
    ],
    usage: { executionsPerDay: 1_200, agents: [12, 19], gateways: [2, 2], storageGb: [8, 12] },
  },
];

/** The plan catalog is synced by every migration (lib/plans/sync.ts); kept for callers that seed plans only. */
export const seedPlans = syncPlanCatalog;

export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(organizations);
  if (Number(row?.n ?? 0) > 0) return false;
  await seedDemo(db);
  return true;
}

export async function seedDemo(db: Db, now = new Date()): Promise<void> {
  await seedPlans(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const emails = new Map<string, string>();
  emails.set(DEMO_ADMIN.email, DEMO_ADMIN.name);
  for (const o of DEMO_ORGS) for (const m of o.members) emails.set(m.email, m.name);
  await db
    .insert(users)
    .values(
      [...emails].map(([email, name]) => ({ email, name, passwordHash, isPlatformAdmin: email === DEMO_ADMIN.email })),
    )
    .onConflictDoNothing({ target: users.email });
  const userRows = await db.select({ id: users.id, email: users.email }).from(users);
  const userId = new Map(userRows.map((u) => [u.email, u.id]));

  for (const o of DEMO_ORGS) {
    const createdAt = demoCreatedAt(o, now);
    await db
      .insert(organizations)
      .values({ slug: o.slug, name: o.name, billingEmail: o.members[0]?.email, createdAt })
      .onConflictDoNothing();
    const [org] = await db
      .select()
      .from(organizations)
      .where(sql`${organizations.slug} = ${o.slug}`);
    if (!org) throw new Error(`seed: organization ${o.slug} missing`);
    // The owner created the organization; the others joined one after another since, before the last day.
    const span = now.getTime() - 86_400_000 - org.createdAt.getTime();
    await db
      .insert(memberships)
      .values(
        o.members.map((m, i) => ({
          organizationId: org.id,
          userId: userId.get(m.email)!,
          role: m.role,
          createdAt: new Date(org.createdAt.getTime() + Math.floor((span * i) / Math.max(1, o.members.length))),
        })),
      )
      .onConflictDoNothing();

    const billingPeriod = paidPeriod(o, now);
    const plan = catalogPlan(o.plan);
    const seats = o.plan === "free" ? 1 : o.members.length;
    await db
      .insert(subscriptions)
      .values({
        organizationId: org.id,
        planId: o.plan,
        status: o.status ?? "active",
        billingCycle: o.cycle,
        seats,
        currentPeriodStart: billingPeriod.start,
        currentPeriodEnd: billingPeriod.end,
        pastDueSince: o.status === "past_due" ? billingPeriod.start : null,
        maxUsers: plan.maxUsers ?? null,
        maxAgents: o.custom?.maxAgents ?? plan.maxAgents ?? null,
        maxExecutionsPerMonth: o.custom?.maxExecutionsPerMonth ?? plan.maxExecutionsPerMonth ?? null,
        maxStorageGb: o.custom?.maxStorageGb ?? plan.maxStorageGb ?? null,
        maxGateways: o.custom?.maxGateways ?? plan.maxGateways ?? null,
        customPricePerSeatCents: o.custom?.pricePerSeatCents ?? null,
      })
      .onConflictDoNothing();

    await seedUsage(db, org.id, o, now);
    // The history's ended periods closed, as the usage job would have done: each gets its
    // record (usage, limits then in force, cost), which invoices show as their usage breakdown.
    await closeEndedPeriods(db, org, { now, lookbackDays: HISTORY_DAYS });
    await seedInvoices(db, org.id, o, seats, billingPeriod, now);
  }

  // A person's account is as old as their first membership.
  await db.execute(sql`update users u set created_at = m.first from
    (select user_id, min(created_at) as first from memberships group by user_id) m
    where m.user_id = u.id and m.first < u.created_at`);

  const [acme] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`${organizations.slug} = 'acme'`);
  if (acme) {
    await db
      .insert(apiKeys)
      .values({
        organizationId: acme.id,
        name: "Demo key (development)",
        prefix: displayPrefix(DEMO_API_KEY),
        keyHash: hashApiKey(DEMO_API_KEY),
      })
      .onConflictDoNothing();
  }
  await db
    .insert(featureFlags)
    .values([
      {
        key: "agent-marketplace",
        description: "Browse and install community agents.",
        defaultEnabled: false,
        rolloutPercent: 25,
      },
      {
        key: "usage-forecast",
        description: "Show the projection to period end on the usage chart.",
        defaultEnabled: true,
        rolloutPercent: 100,
      },
    ])
    .onConflictDoNothing();
}

/**
 * When a demo organization signed up: a little before its first seeded invoice (paid plans) and
 * before its usage history starts, so the admin's "new this month" and signups chart tell a
 * history, not five signups today.
 */
export function demoCreatedAt(o: DemoOrg, now: Date): Date {
  const daysBeforeHistory = { acme: 20, globex: 45, initech: 12, umbrella: 3, hooli: 30 }[o.slug] ?? 10;
  const historyStart = now.getTime() - (HISTORY_DAYS + 1) * 86_400_000;
  let first = historyStart;
  if (o.plan !== "free") {
    const current = paidPeriod(o, now);
    const months = o.cycle === "annual" ? 12 : 1;
    const count = o.cycle === "annual" ? 2 : 3;
    first = Math.min(first, addMonths(current.start, -months * (count - 1)).getTime());
  }
  return new Date(first - daysBeforeHistory * 86_400_000);
}

/** The seeded billing period of a demo organization at `now` (its calendar month on Free). */
export function paidPeriod(o: DemoOrg, now: Date): Period {
  if (o.plan === "free" || !o.anchor) return calendarMonth(now);
  // Find the period of the cycle containing now, anchored on the given month/day of last year.
  const anchor = new Date(Date.UTC(now.getUTCFullYear() - 1, o.anchor.month, o.anchor.day));
  const months = o.cycle === "annual" ? 12 : 1;
  let start = anchor;
  while (addMonths(start, months).getTime() <= now.getTime()) start = addMonths(start, months);
  return { start, end: addMonths(start, months) };
}

/** A deterministic pseudo-random stream per organization, so reseeding gives the same history. */
function rng(seed: string): () => number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HISTORY_DAYS = 90;

async function seedUsage(db: Db, organizationId: string, o: DemoOrg, now: Date): Promise<void> {
  const rand = rng(o.slug);
  const today = startOfUtcDay(now);
  const rows: (typeof usageEvents.$inferInsert)[] = [];
  const lerp = ([a, b]: [number, number], t: number) => a + (b - a) * t;
  for (let i = HISTORY_DAYS; i >= 0; i--) {
    const day = new Date(today.getTime() - i * 86_400_000);
    const key = day.toISOString().slice(0, 10);
    const t = (HISTORY_DAYS - i) / HISTORY_DAYS;
    const weekday = day.getUTCDay();
    const weekFactor = weekday === 0 || weekday === 6 ? 0.55 : 1.12;
    const growth = 0.85 + 0.3 * t;
    const dayTotal = Math.round(o.usage.executionsPerDay * weekFactor * growth * (0.85 + 0.3 * rand()));
    for (let slot = 0; slot < 4; slot++) {
      const at = new Date(day.getTime() + (3 + slot * 6) * 3_600_000);
      if (at >= now) continue;
      rows.push({
        organizationId,
        metric: "executions",
        quantity: Math.round(dayTotal / 4),
        occurredAt: at,
        idempotencyKey: `seed-${key}-exec-${slot}`,
      });
    }
    const noon = new Date(day.getTime() + 12 * 3_600_000);
    if (noon >= now) continue;
    rows.push({
      organizationId,
      metric: "agents",
      quantity: Math.round(lerp(o.usage.agents, t)),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-agents`,
    });
    rows.push({
      organizationId,
      metric: "gateways",
      quantity: Math.round(lerp(o.usage.gateways, t)),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-gateways`,
    });
    rows.push({
      organizationId,
      metric: "storage_bytes",
      quantity: Math.round(lerp(o.usage.storageGb, t) * 1_000_000_000),
      occurredAt: noon,
      idempotencyKey: `seed-${key}-storage`,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(usageEvents)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
  const from = new Date(today.getTime() - HISTORY_DAYS * 86_400_000);
  await rebuildDaily(db, { from, to: now, organizationId });
  // Counters for every usage period the history touches, so graphs and records have them.
  const billing = paidPeriod(o, now);
  const periods: Period[] = [];
  let p = o.plan === "free" ? calendarMonth(now) : usagePeriodAt(billing, o.cycle, now);
  while (p.end.getTime() > from.getTime()) {
    periods.push(p);
    const prevEnd = p.start;
    p = { start: addMonths(prevEnd, -1), end: prevEnd };
  }
  for (const period of periods) await rebuildCounters(db, organizationId, period);
}

async function seedInvoices(
  db: Db,
  organizationId: string,
  o: DemoOrg,
  seats: number,
  current: Period,
  now: Date,
): Promise<void> {
  if (o.plan === "free") return;
  const plan = catalogPlan(o.plan);
  const unit =
    o.custom?.pricePerSeatCents ??
    (o.cycle === "annual" ? plan.pricePerSeatAnnualCents : plan.pricePerSeatMonthlyCents) ??
    0;
  const months = o.cycle === "annual" ? 12 : 1;
  const count = o.cycle === "annual" ? 2 : 3;
  for (let k = count; k >= 1; k--) {
    const start = addMonths(current.start, -months * (k - 1));
    const end = addMonths(start, months);
    if (start.getTime() > now.getTime()) continue;
    const n = count - k + 1;
    const number = `${o.slug.toUpperCase()}-${String(n).padStart(4, "0")}`;
    const total = multiplyMinor(unit, seats);
    const unpaid = o.status === "past_due" && k === 1;
    const [inv] = await db
      .insert(invoices)
      .values({
        organizationId,
        source: "manual",
        number,
        status: unpaid ? "open" : "paid",
        currency: "usd",
        subtotalCents: total,
        totalCents: total,
        amountDueCents: total,
        amountPaidCents: unpaid ? 0 : total,
        periodStart: start,
        periodEnd: end,
        dueDate: start,
        paidAt: unpaid ? null : start,
        billingReason: n === 1 ? "subscription_create" : "subscription_cycle",
        attemptCount: 1,
        memo: SEEDED_INVOICE_MEMO,
        issuedAt: start,
      })
      .onConflictDoNothing()
      .returning({ id: invoices.id });
    if (!inv) continue;
    await db.insert(invoiceLines).values({
      invoiceId: inv.id,
      kind: "subscription",
      description: `${plan.name} plan × ${seats} seat${seats === 1 ? "" : "s"} (${o.cycle})`,
      quantity: seats,
      unitAmountCents: unit,
      amountCents: total,
      currency: "usd",
      periodStart: start,
      periodEnd: end,
    });
  }
}
