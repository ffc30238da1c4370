import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/db/connect";
import { startApiServer } from "../support/api";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans, type TestOrg } from "./usage-fixtures";

/**
 * A test file's platform API over real HTTP: its own database (made this process's app database),
 * the API on a loopback port as server.ts mounts it, and one Pro organization in its current
 * period with 1,000 executions a month. Read the fields inside tests (they are set in beforeAll).
 */
export function apiWithProOrg(): { database: Database; baseUrl: string; org: TestOrg } {
  const fixture = {} as { database: Database; baseUrl: string; org: TestOrg };
  let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    await ensurePlans(fixture.database.db);
    (globalThis as unknown as { __appDatabase?: Promise<Database> }).__appDatabase = Promise.resolve(fixture.database);
    server = await startApiServer();
    fixture.baseUrl = server.baseUrl;
    const now = Date.now();
    fixture.org = await createOrg(fixture.database.db, {
      plan: "pro",
      period: { start: new Date(now - 86_400_000), end: new Date(now + 29 * 86_400_000) },
      limits: { maxExecutionsPerMonth: 1_000 },
    });
  });
  afterAll(async () => {
    await server?.close();
    (globalThis as unknown as { __appDatabase?: unknown }).__appDatabase = undefined;
    await fixture.database?.close();
  });
  return fixture;
}
