import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { apiKeys, organizations, plans, users } from "@/db/schema";
import { DEMO_API_KEY, DEMO_PASSWORD } from "@/demo";
import { createTestDatabase, onRealPostgres } from "../support/db";

/**
 * `npm run db:seed` (scripts/seed.ts) in production: refused without the demo flag (nothing
 * written), and with `--demo` it seeds and warns, naming the public password and key.
 */

const ROOT = path.resolve(__dirname, "../..");
const PRODUCTION = {
  NODE_ENV: "production",
  AUTH_SECRET: "a".repeat(40),
  CRON_SECRET: "c".repeat(40),
  STRIPE_WEBHOOK_SECRET: `whsec_${"w".repeat(40)}`,
};

let database: Database & { url: string | null };
beforeAll(async () => {
  database = await createTestDatabase({ max: 2 });
});
afterAll(async () => database?.close());

async function seed(args: string[], extra: Record<string, string> = {}) {
  const env = {
    ...process.env,
    ...PRODUCTION,
    DATABASE_URL: database.url!,
    ...extra,
  } as NodeJS.ProcessEnv;
  delete env.SEED_DEMO;
  Object.assign(env, extra);
  try {
    const { stdout, stderr } = await promisify(execFile)(
      path.join(ROOT, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "scripts/seed.ts", ...args],
      { cwd: ROOT, env, timeout: 120_000 },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

const n = async (t: typeof organizations | typeof users | typeof apiKeys | typeof plans) =>
  Number((await database.db.select({ n: count() }).from(t))[0]?.n ?? 0);

describe.runIf(onRealPostgres())("npm run db:seed in production", () => {
  it("refuses without --demo or SEED_DEMO=1, writing nothing, and says how", async () => {
    const run = await seed([]);
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/--demo/);
    expect(run.out).toMatch(/SEED_DEMO=1/);
    expect(await n(organizations)).toBe(0);
    expect(await n(users)).toBe(0);
    const off = await seed([], { SEED_DEMO: "0" });
    expect(off.code).not.toBe(0);
    expect(await n(organizations)).toBe(0);
    // The plan catalog is there all the same: migrating wrote it.
    expect(await n(plans)).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("with --demo seeds, warning with the demo password and key", async () => {
    const run = await seed(["--demo"]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/WARNING: demo data is on in production/);
    expect(run.out).toContain(DEMO_PASSWORD);
    expect(run.out).toContain(DEMO_API_KEY);
    expect(await n(organizations)).toBe(5);
    expect(await n(apiKeys)).toBe(1);
  }, 120_000);
});
