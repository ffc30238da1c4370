import "server-only";
import { and, desc, eq, gte, like, lt, or, sql, type SQL } from "drizzle-orm";
import { auditLog, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { csvRow } from "./csv";
import { escapeLike } from "./orgs-list";
import { isUuid } from "@/lib/input";
import type { AuditQuery } from "./schemas";

/** The audit log, filtered by actor, organization, action and date (UTC days, inclusive). */

export const AUDIT_PAGE_SIZE = 50;
/** The CSV export stops here; narrow the filters for more. */
export const AUDIT_EXPORT_MAX = 100_000;

export type AuditRow = {
  id: number;
  createdAt: Date;
  actorLabel: string;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  organizationId: string | null;
  organizationSlug: string | null;
  details: Record<string, unknown>;
};

const columns = {
  id: auditLog.id,
  createdAt: auditLog.createdAt,
  actorLabel: auditLog.actorLabel,
  actorUserId: auditLog.actorUserId,
  action: auditLog.action,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  organizationId: auditLog.organizationId,
  organizationSlug: organizations.slug,
  details: auditLog.details,
};

type Filters = Omit<AuditQuery, "page">;

function conditions(q: Filters): SQL | undefined {
  const where: SQL[] = [];
  if (q.actor) where.push(like(sql`lower(${auditLog.actorLabel})`, `%${escapeLike(q.actor.toLowerCase())}%`));
  if (q.org) {
    const slug = q.org.toLowerCase();
    where.push(isUuid(q.org) ? eq(auditLog.organizationId, q.org) : eq(organizations.slug, slug));
  }
  // "organization." matches every organization.* action; a full action matches itself.
  if (q.action) where.push(or(eq(auditLog.action, q.action), like(auditLog.action, `${escapeLike(q.action)}%`))!);
  if (q.from) where.push(gte(auditLog.createdAt, new Date(`${q.from}T00:00:00Z`)));
  if (q.to) where.push(lt(auditLog.createdAt, new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000)));
  return where.length ? and(...where) : undefined;
}

export async function listAudit(db: Queryable, q: AuditQuery) {
  const rows = await db
    .select(columns)
    .from(auditLog)
    .leftJoin(organizations, eq(organizations.id, auditLog.organizationId))
    .where(conditions(q))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((q.page - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE) as AuditRow[], page: q.page, hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export async function listAuditActions(db: Queryable): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
  return rows.map((r) => r.action);
}

export const AUDIT_CSV_HEADER = [
  "id",
  "at",
  "actor",
  "action",
  "target_type",
  "target_id",
  "organization_id",
  "organization_slug",
  "reason",
  "details",
];

/**
 * The matching rows as CSV lines, newest first (by id, which only grows), read in batches by
 * keyset so a large export never holds more than one batch.
 */
export async function* auditCsv(db: Queryable, q: Filters, batch = 1_000): AsyncGenerator<string> {
  yield csvRow(AUDIT_CSV_HEADER);
  let cursor: number | null = null;
  let sent = 0;
  while (sent < AUDIT_EXPORT_MAX) {
    const rows = (await db
      .select(columns)
      .from(auditLog)
      .leftJoin(organizations, eq(organizations.id, auditLog.organizationId))
      .where(and(conditions(q), cursor === null ? undefined : lt(auditLog.id, cursor)))
      .orderBy(desc(auditLog.id))
      .limit(Math.min(batch, AUDIT_EXPORT_MAX - sent))) as AuditRow[];
    for (const r of rows) {
      const { reason, ...rest } = r.details as { reason?: unknown };
      yield csvRow([
        r.id,
        r.createdAt,
        r.actorLabel,
        r.action,
        r.targetType,
        r.targetId,
        r.organizationId,
        r.organizationSlug,
        reason ?? "",
        rest,
      ]);
    }
    sent += rows.length;
    if (rows.length < batch) break;
    cursor = rows[rows.length - 1]!.id;
  }
}
