import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

export const dynamic = "force-dynamic";

/** Public and minimal: is the app up and can it reach its database. No details that help an attacker. */
export async function GET() {
  const started = performance.now();
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok", db: "ok", latencyMs: Math.round(performance.now() - started) });
  } catch {
    return Response.json({ status: "down", db: "unreachable" }, { status: 503 });
  }
}
