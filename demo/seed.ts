import { count, sql } from "drizzle-orm";
import { apiKeys, featureFlags, memberships, organizations, subscriptions, users } from "@/db/schema";
import type { Db } from "@/db/types";
import { displayPrefix, hashApiKey } from "@/lib/auth/api-key-format";
import { hashPassword } from "@/lib/auth/password";
import { catalogPlan } from "@/lib/plans/catalog";
import { closeEndedPeriods } from "@/lib/usage/period-close";
import { DEMO_ADMIN, DEMO_API_KEY, DEMO_ORGS, DEMO_PASSWORD } from "./data";
import { HISTORY_DAYS, demoCreatedAt, paidPeriod, seedInvoices, seedUsage } from "./history";

/**
 * Demo data: every insert is keyed (email, slug, idempotency key, invoice number), so running
 * the seed again adds only what is missing (e.g. the days since the last run). The plan catalog
 * is not the demo's: every migration writes it (lib/plans/sync.ts).
 */

export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(organizations);
  if (Number(row?.n ?? 0) > 0) return false;
  await seedDemo(db);
  return true;
}

export async function seedDemo(db: Db, now = new Date()): Promise<void> {
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
