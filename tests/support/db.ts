import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../db/connect";
import { withDatabase } from "./global-setup";

/**
 * A fresh, migrated database for one test file: a copy of the run's template on the real
 * server, or an in-memory PGlite. Dropped with the rest of the run's databases at the end.
 */
export async function createTestDatabase(opts: { max?: number } = {}): Promise<Database & { url: string | null }> {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const prefix = inject("pgRunPrefix");
  if (!adminUrl || !template || !prefix) {
    const db = await openDatabase({ pgliteDir: "memory://" });
    await db.migrate();
    return Object.assign(db, { url: null });
  }
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(adminUrl, name);
  const db = await openDatabase({ url, max: opts.max ?? 10 });
  return Object.assign(db, { url });
}

/** True when the tests run against a real PostgreSQL server (DATABASE_URL set). */
export function onRealPostgres(): boolean {
  return Boolean(inject("pgAdminUrl"));
}
