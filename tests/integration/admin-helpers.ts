import { desc, eq, gt } from "drizzle-orm";
import { auditLog, organizations, users } from "@/db/schema";
import type { Database } from "@/db/connect";
import type { Db } from "@/db/types";
import { DEMO_ADMIN } from "@/db/seed";
import type { Actor } from "@/lib/audit";

/** Shared by the admin integration tests (not a test file itself). */

export async function staffActor(db: Db): Promise<Actor & { kind: "user" }> {
  const [u] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, DEMO_ADMIN.email));
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

/** Let route modules (which call getDb() from db/client) use this test's database. */
export function useAsAppDatabase(database: Database): void {
  (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(database);
}
