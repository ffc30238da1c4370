import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER } from "@/db/connect";
import { rowsOf, type Queryable } from "@/db/types";

/** The individual probes of the health page. Each answers facts; health.ts judges them. */

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round((performance.now() - started) * 10) / 10 };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function pingDatabase(db: Queryable): Promise<void> {
  await db.execute(sql`select 1`);
}

export type MigrationFacts = {
  applied: number;
  expected: number;
  pending: string[];
  unknown: number;
  lastAppliedAt: Date | null;
};

/** Compare drizzle's record of applied migrations with the journal this build ships. */
export async function migrationFacts(db: Queryable, folder = MIGRATIONS_FOLDER): Promise<MigrationFacts> {
  const journal = JSON.parse(await fs.readFile(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const rows = rowsOf<{ created_at: string | number }>(
    await db.execute(sql`select created_at from drizzle.__drizzle_migrations order by created_at`),
  );
  const applied = new Set(rows.map((r) => Number(r.created_at)));
  const known = new Set(journal.entries.map((e) => e.when));
  const last = rows.length ? Number(rows[rows.length - 1]!.created_at) : null;
  return {
    applied: rows.length,
    expected: journal.entries.length,
    pending: journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag),
    unknown: [...applied].filter((w) => !known.has(w)).length,
    lastAppliedAt: last === null ? null : new Date(last),
  };
}

export type WebhookFacts = {
  pending: number;
  failed: number;
  oldestPendingAt: Date | null;
  lastReceivedAt: Date | null;
};

export async function webhookFacts(db: Queryable): Promise<WebhookFacts> {
  const [row] = rowsOf<{
    pending: number | string;
    failed: number | string;
    oldest_pending: string | Date | null;
    last_received: string | Date | null;
  }>(
    await db.execute(sql`
      select
        (select count(*) from stripe_events where status = 'pending') as pending,
        (select count(*) from stripe_events where status = 'failed') as failed,
        (select min(received_at) from stripe_events where status = 'pending') as oldest_pending,
        (select max(received_at) from stripe_events) as last_received
    `),
  );
  const date = (v: string | Date | null | undefined) => (v ? new Date(v) : null);
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    oldestPendingAt: date(row?.oldest_pending),
    lastReceivedAt: date(row?.last_received),
  };
}

export type JobFacts = {
  status: "running" | "succeeded" | "failed";
  startedAt: Date;
  finishedAt: Date | null;
  details: Record<string, unknown>;
  error: string | null;
} | null;

export async function lastJobRun(db: Queryable, job: string): Promise<JobFacts> {
  const [row] = rowsOf<{
    status: "running" | "succeeded" | "failed";
    started_at: string | Date;
    finished_at: string | Date | null;
    details: unknown;
    error: string | null;
  }>(
    await db.execute(
      sql`select status, started_at, finished_at, details, error from job_runs where job = ${job} order by started_at desc limit 1`,
    ),
  );
  if (!row) return null;
  const details =
    typeof row.details === "string"
      ? (JSON.parse(row.details) as Record<string, unknown>)
      : ((row.details ?? {}) as Record<string, unknown>);
  return {
    status: row.status,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
    details,
    error: row.error,
  };
}

export type IngestFacts = { last5m: number; last15m: number };

/** Events received in the last 5 and 15 minutes (an index range scan on received_at). */
export async function ingestFacts(db: Queryable, now: Date): Promise<IngestFacts> {
  const since15 = new Date(now.getTime() - 15 * 60_000).toISOString();
  const since5 = new Date(now.getTime() - 5 * 60_000).toISOString();
  const [row] = rowsOf<{ last5: number | string; last15: number | string }>(
    await db.execute(sql`
      select count(*) filter (where received_at >= ${since5}::timestamptz) as last5, count(*) as last15
      from usage_events where received_at >= ${since15}::timestamptz
    `),
  );
  return { last5m: Number(row?.last5 ?? 0), last15m: Number(row?.last15 ?? 0) };
}

/** GET the emulator's (or a Stripe proxy's) health URL with a short timeout. */
export async function probeHttp(
  url: string,
  timeoutMs: number,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
    await res.body?.cancel();
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `answered HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, error: reason };
  }
}

let cachedVersion: string | undefined;

export async function appVersion(): Promise<string> {
  if (cachedVersion) return cachedVersion;
  try {
    const pkg = JSON.parse(await fs.readFile(path.resolve(process.cwd(), "package.json"), "utf8")) as {
      version?: string;
    };
    cachedVersion = pkg.version ?? "unknown";
  } catch {
    cachedVersion = "unknown";
  }
  return cachedVersion;
}
