import path from "node:path";
import { openDatabase, type Database } from "../db/connect";
import { env } from "../lib/env";

/** Open the database the app would use (DATABASE_URL, or the embedded one under DATA_DIR), migrated. */
export async function openAppDatabase(): Promise<Database> {
  const e = env();
  const database = await openDatabase(
    e.databaseUrl ? { url: e.databaseUrl, max: 4 } : { pgliteDir: path.resolve(e.dataDir, "pglite") },
  );
  await database.migrate();
  return database;
}

export function describeTarget(): string {
  const e = env();
  return e.databaseUrl
    ? e.databaseUrl.replace(/\/\/[^@]*@/, "//***@")
    : `embedded PGlite in ${path.resolve(e.dataDir, "pglite")}`;
}
