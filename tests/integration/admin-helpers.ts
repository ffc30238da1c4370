import { expect } from "vitest";
import { and, count, desc, eq, gt, type SQL } from "drizzle-orm";
import { auditLog, organizations, users } from "@/db/schema";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { DEMO_ADMIN } from "@/demo";
import type { Actor } from "@/lib/audit";

/** Shared by the admin integration tests (not a test file itself). */

export async function staffActor(db: Db): Promise<Actor & { kind: "user" }> {
  const [u] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.email, DEMO_ADMIN.email));
  return { kind: "user", id: u!.id, email: u!.email };
}

export async function orgIdOf(db: Db, slug: string): Promise<string> {
  const [o] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug));
  if (!o) throw new Error(`no org ${slug}`);
  return o.id;
}

export async function lastAuditId(db: Db): Promise<number> {
  const [row] = await db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return row?.id ?? 0;
}

/** Audit rows written after `afterId`, oldest first. */
export async function auditAfter(db: Db, afterId: number) {
  return db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(auditLog.id);
}

type AuditScope = { organizationId: string } | { targetId: string };
const inScope = (scope: AuditScope): SQL =>
  "organizationId" in scope ? eq(auditLog.organizationId, scope.organizationId) : eq(auditLog.targetId, scope.targetId);

/** How many audit rows an organization (or a target) has, of one action or of all. */
export async function auditCount(db: Db, scope: AuditScope, action?: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(inScope(scope), action ? eq(auditLog.action, action) : undefined));
  return Number(row?.n ?? 0);
}

/**
 * Run one admin write and check that it recorded exactly one audit row, of `action`, by the
 * admin, for the organization (or target): that action's count grows by one and the admin
 * wrote nothing else there. (Rows Stripe's webhooks write meanwhile have their own actor.)
 * Answers the row, for its details, and the write's result.
 */
export async function expectOneAuditRow<T>(
  db: Db,
  scope: AuditScope,
  action: string,
  actor: { id: string },
  write: () => Promise<T>,
) {
  const [actionBefore, lastId] = [await auditCount(db, scope, action), await lastAuditId(db)];
  const result = await write();
  expect(await auditCount(db, scope, action)).toBe(actionBefore + 1);
  const byAdmin = await db
    .select()
    .from(auditLog)
    .where(and(inScope(scope), eq(auditLog.actorUserId, actor.id), gt(auditLog.id, lastId)))
    .orderBy(auditLog.id);
  expect(byAdmin.map((r) => r.action)).toEqual([action]);
  return { row: byAdmin[0]!, result };
}

/** Let route modules (which call getDb() from db/client) use this test's database. */
export function useAsAppDatabase(database: Database): void {
  (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(database);
}
