import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { PREPARE_MAX_PARAMS } from "@/db/connect";
import { plans } from "@/db/schema";
import { rowsOf } from "@/db/types";
import { createTestDatabase, onRealPostgres } from "../support/db";

/**
 * drizzle's queries run as prepared statements on PostgreSQL (db/connect.ts, preparedByDefault):
 * one round trip each instead of a describe and an execute. One connection, so the session's
 * pg_prepared_statements shows what it prepared.
 */
const real = onRealPostgres();
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase({ max: 1 });
});
afterAll(async () => {
  await database?.close();
});

const preparedTexts = async (db: Database["db"] | Parameters<Parameters<Database["db"]["transaction"]>[0]>[0]) =>
  rowsOf<{ statement: string }>(await db.execute(sql`select statement from pg_prepared_statements`)).map(
    (r) => r.statement,
  );

describe.runIf(real)("prepared by default", () => {
  it("a parameterised query is prepared once per connection, in and out of transactions and savepoints", async () => {
    const { db } = database;
    for (let i = 0; i < 2; i++) await db.select({ id: plans.id }).from(plans).where(eq(plans.id, "pro"));
    const texts = await preparedTexts(db);
    expect(texts.filter((t) => /from "plans" where "plans"."id" = \$1/.test(t))).toHaveLength(1);
    await db.transaction(async (tx) => {
      await tx.select({ name: plans.name }).from(plans).where(eq(plans.id, "free"));
      await tx.transaction(async (sp) => {
        await sp
          .update(plans)
          .set({ name: sql`${plans.name}` })
          .where(eq(plans.id, "team"));
      });
      const inTx = await preparedTexts(tx);
      expect(inTx.some((t) => t.startsWith('select "name" from "plans"'))).toBe(true);
      expect(inTx.some((t) => t.startsWith('update "plans"'))).toBe(true);
    });
  });

  it(`a query with more than ${PREPARE_MAX_PARAMS} parameters (a text per list size) is not kept`, async () => {
    const { db } = database;
    const ids = Array.from({ length: PREPARE_MAX_PARAMS + 1 }, (_, i) => `plan_${i}`);
    expect(await db.select({ id: plans.id }).from(plans).where(inArray(plans.id, ids))).toEqual([]);
    expect((await preparedTexts(db)).some((t) => t.includes(`$${PREPARE_MAX_PARAMS + 1}`))).toBe(false);
  });
});
