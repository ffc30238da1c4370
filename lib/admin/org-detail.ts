import type { InvoiceStatus } from "@/db/schema";
import "server-only";
import { asc, desc, eq, sql } from "drizzle-orm";
import { auditLog, invoices, memberships, organizations, users, type MemberRole } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { listApiKeys, type ApiKeyListItem } from "@/lib/auth/api-keys";
import { recurringAmount, utcDay } from "@/lib/plans";
import { AppError } from "@/lib/errors";
import { type FlagDecision, createFlagReader } from "@/lib/flags";
import { getDailySeries, getUsageOverview, type UsageOverview } from "@/lib/usage";
import { isUuid } from "@/lib/input";

/** Everything the organization page shows, read in parallel. */

export type OrgMember = { userId: string; email: string; name: string; role: MemberRole; joinedAt: Date };
export type OrgInvoice = {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  source: string;
  currency: string;
  totalCents: number;
  amountDueCents: number;
  amountPaidCents: number;
  issuedAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  hostedInvoiceUrl: string | null;
};
export type OrgAuditEntry = {
  id: number;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
};
/** Executions used so far this usage period, day by day (cumulative), for the chart against the limit. */
export type ExecutionPoint = { day: string; executions: number; cumulative: number };

export type OrgDetail = {
  organization: {
    id: string;
    slug: string;
    name: string;
    status: "active" | "suspended";
    suspendedReason: string | null;
    stripeCustomerId: string | null;
    currency: string;
    billingEmail: string | null;
    createdAt: Date;
  };
  members: OrgMember[];
  usage: UsageOverview;
  /** Per billing cycle, minor units; null when custom and not set. */
  recurringCents: number | null;
  executionsThisPeriod: ExecutionPoint[];
  invoices: OrgInvoice[];
  apiKeys: ApiKeyListItem[];
  flags: FlagDecision[];
  audit: OrgAuditEntry[];
};

export async function getOrganizationDetailOrThrow(db: Queryable, id: string, now = new Date()): Promise<OrgDetail> {
  if (!isUuid(id)) throw new AppError("not_found", "No organization with that id.");
  const [organization] = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      status: organizations.status,
      suspendedReason: organizations.suspendedReason,
      stripeCustomerId: organizations.stripeCustomerId,
      currency: organizations.currency,
      billingEmail: organizations.billingEmail,
      createdAt: organizations.createdAt,
    })
    .from(organizations)
    .where(eq(organizations.id, id))
    .limit(1);
  if (!organization) throw new AppError("not_found", "No organization with that id.");

  const usage = await getUsageOverview(db, id, now);
  const [members, invoiceRows, apiKeys, flags, audit, daily] = await Promise.all([
    db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.organizationId, id))
      .orderBy(sql`case ${memberships.role} when 'owner' then 0 when 'admin' then 1 else 2 end`, asc(users.name)),
    db
      .select({
        id: invoices.id,
        number: invoices.number,
        status: invoices.status,
        source: invoices.source,
        currency: invoices.currency,
        totalCents: invoices.totalCents,
        amountDueCents: invoices.amountDueCents,
        amountPaidCents: invoices.amountPaidCents,
        issuedAt: invoices.issuedAt,
        periodStart: invoices.periodStart,
        periodEnd: invoices.periodEnd,
        hostedInvoiceUrl: invoices.hostedInvoiceUrl,
      })
      .from(invoices)
      .where(eq(invoices.organizationId, id))
      .orderBy(desc(invoices.issuedAt))
      .limit(24),
    listApiKeys(db, id),
    // Uncached: the console shows what is in the database right now.
    createFlagReader(db, { ttlMs: 0 }).flagsForOrg(id),
    db
      .select({
        id: auditLog.id,
        actorLabel: auditLog.actorLabel,
        action: auditLog.action,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        details: auditLog.details,
        createdAt: auditLog.createdAt,
      })
      .from(auditLog)
      .where(eq(auditLog.organizationId, id))
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(50),
    getDailySeries(db, id, { from: utcDay(usage.usagePeriod.start), to: utcDay(now) }),
  ]);

  return {
    organization,
    members,
    usage,
    recurringCents: usage.plan.id === "free" ? 0 : recurringAmount(usage.plan, usage.subscription),
    executionsThisPeriod: cumulativeByDay(
      daily.map((p) => ({ day: p.day, value: p.executions })),
      usage.usagePeriod.start,
      now,
    ),
    invoices: invoiceRows,
    apiKeys,
    flags,
    audit,
  };
}

/** Every day from the period's start to today, with the running total (days without events add 0). */
export function cumulativeByDay(rows: { day: string; value: number }[], start: Date, now: Date): ExecutionPoint[] {
  const byDay = new Map(rows.map((r) => [r.day, Number(r.value)]));
  const out: ExecutionPoint[] = [];
  let total = 0;
  const last = utcDay(now);
  for (
    let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
    utcDay(d) <= last;
    d = new Date(d.getTime() + 86_400_000)
  ) {
    const day = utcDay(d);
    const executions = byDay.get(day) ?? 0;
    total += executions;
    out.push({ day, executions, cumulative: total });
    if (out.length > 400) break;
  }
  return out;
}
