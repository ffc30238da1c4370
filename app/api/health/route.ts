import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { json } from "@/lib/http/json";

export const dynamic = "force-dynamic";

/** Public and minimal: is the app up and can it reach its database. No details that help an attacker. */
export async function GET() {
  const started = performance.now();
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return json({ status: "ok", db: "ok", latencyMs: Math.round(performance.now() - started) });
  } catch {
    return json({ status: "down", db: "unreachable" }, { status: 503 });
  }
}
