import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/types";

/**
 * A fingerprint of every table's contents, to prove a request wrote nothing: compare one taken
 * before with one taken after. `api_keys.last_used_at` is left out (a key's use is recorded at
 * most once a minute, by design), and so is the sign-in throttle (attempts are counted by design).
 */
const VOLATILE: Record<string, string[]> = { api_keys: ["last_used_at"] };
const SKIP = new Set(["__drizzle_migrations", "sign_in_throttle"]);

export async function dbFingerprint(db: Db): Promise<Record<string, string>> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ),
  ).map((r) => r.table_name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    if (SKIP.has(table)) continue;
    const minus = (VOLATILE[table] ?? []).map((c) => ` - '${c}'`).join("");
    const [row] = rowsOf<{ n: number; h: string | null }>(
      await db.execute(
        sql.raw(
          `select count(*)::int as n, md5(string_agg((to_jsonb(t)${minus})::text, '|' order by (to_jsonb(t)${minus})::text)) as h from "${table}" t`,
        ),
      ),
    );
    out[table] = `${row?.n ?? 0}:${row?.h ?? ""}`;
  }
  return out;
}
