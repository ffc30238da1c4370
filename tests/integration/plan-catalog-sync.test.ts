import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import postgres from "postgres";
import { inject } from "vitest";
import { openDatabase, type Database } from "@/db/connect";
import { organizations, plans } from "@/db/schema";
import { PLAN_CATALOG } from "@/lib/plans/catalog";
import { catalogRow } from "@/lib/plans/sync";
import { dbFingerprint } from "../support/db-fingerprint";
import { withDatabase } from "../support/global-setup";

/**
 * The plan catalog is in the database after migrating, with no seed: through `migrate()` (the
 * app's start-up path and the tests') and through `npm run db:migrate` (scripts/migrate.ts).
 * Migrating again changes nothing; a plan changed by hand is brought back to the catalog,
 * while its Stripe ids and plans an admin added stay.
 */

const ROOT = path.resolve(__dirname, "../..");
const adminUrl = inject("pgAdminUrl");
const prefix = inject("pgRunPrefix");
const opened: Database[] = [];

afterAll(async () => {
  for (const d of opened) await d.close();
});

/** An empty database (no template, no tables): on the real server, or an in-memory PGlite. */
async function emptyDatabase(): Promise<{ database: Database; url: string | null }> {
  if (!adminUrl || !prefix) {
    const database = await openDatabase({ pgliteDir: "memory://" });
    opened.push(database);
    return { database, url: null };
  }
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ url, max: 2 });
  opened.push(database);
  return { database, url };
}

async function planRows(database: Database) {
  return database.db.select().from(plans).orderBy(asc(plans.sortOrder), asc(plans.id));
}

function expectCatalog(rows: Awaited<ReturnType<typeof planRows>>) {
  expect(rows.map((r) => r.id)).toEqual(PLAN_CATALOG.map((p) => p.id));
  for (const p of PLAN_CATALOG) {
    const row = rows.find((r) => r.id === p.id)!;
    expect(row).toMatchObject(catalogRow(p));
  }
}

describe("plan catalog after migrations", () => {
  it("a fresh database migrated with no seed has every catalog plan, and no organization", async () => {
    const { database } = await emptyDatabase();
    await database.migrate();
    expectCatalog(await planRows(database));
    expect(await database.db.select().from(organizations)).toEqual([]);
  });

  it("migrating twice changes nothing", async () => {
    const { database } = await emptyDatabase();
    await database.migrate();
    const before = await dbFingerprint(database.db);
    await database.migrate();
    expect(await dbFingerprint(database.db)).toEqual(before);
  });

  it("brings a drifted plan back to the catalog, keeping its Stripe ids and an admin's own plan", async () => {
    const { database } = await emptyDatabase();
    await database.migrate();
    const db = database.db;
    await db
      .update(plans)
      .set({ name: "Pro (edited)", pricePerSeatMonthlyCents: 1, maxAgents: 3, stripeProductId: "prod_kept" })
      .where(eq(plans.id, "pro"));
    await db.delete(plans).where(eq(plans.id, "enterprise"));
    await db.insert(plans).values({ id: "startup", name: "Startup", sortOrder: 9 });
    await database.migrate();
    const rows = await planRows(database);
    expectCatalog(rows.filter((r) => r.id !== "startup"));
    expect(rows.find((r) => r.id === "pro")?.stripeProductId).toBe("prod_kept");
    expect(rows.find((r) => r.id === "startup")?.name).toBe("Startup");
  });

  it.runIf(Boolean(adminUrl))(
    "npm run db:migrate (scripts/migrate.ts) on an empty database writes the catalog, twice the same",
    async () => {
      const { database, url } = await emptyDatabase();
      const run = () =>
        promisify(execFile)(
          path.join(ROOT, "node_modules/.bin/tsx"),
          ["--conditions=react-server", "scripts/migrate.ts"],
          { cwd: ROOT, env: { ...process.env, NODE_ENV: "development", DATABASE_URL: url! }, timeout: 60_000 },
        );
      const first = await run();
      expect(first.stdout).toMatch(/Migrations applied/);
      expectCatalog(await planRows(database));
      const before = await dbFingerprint(database.db);
      await run();
      expect(await dbFingerprint(database.db)).toEqual(before);
      expect(await database.db.select().from(organizations)).toEqual([]);
    },
    90_000,
  );
});
