import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { assertSelfServicePlanChange } from "@/lib/billing/self-service";
import { AppError } from "@/lib/errors";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * An Enterprise contract is changed by our team: the customer's plan actions refuse a
 * self-service change (another plan, another cycle, cancelling) with a sentence that says
 * where to ask; Free and Pro organizations change by themselves.
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => database?.close());

async function refusal(organizationId: string): Promise<AppError | null> {
  try {
    await assertSelfServicePlanChange(database.db, organizationId);
    return null;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

describe("self-service plan changes", () => {
  it("are refused for an Enterprise contract, with where to ask instead (403)", async () => {
    const org = await createOrg(database.db, {
      plan: "enterprise",
      cycle: "annual",
      seats: 4,
      customPricePerSeatCents: 42_000,
      limits: { maxAgents: 500, maxExecutionsPerMonth: 2_000_000, maxGateways: 50, maxStorageGb: 2_000 },
    });
    const e = await refusal(org.id);
    expect(e?.status).toBe(403);
    expect(e?.message).toBe(
      `Org ${org.slug}’s Enterprise plan is a contract: our team changes it. Send a request under “Change your contract” on the plan page (seats, limits, another plan or cancelling), and we reply within one business day.`,
    );
  });

  it("are allowed on Free, Pro, and once an Enterprise subscription has ended", async () => {
    expect(await refusal((await createOrg(database.db)).id)).toBeNull();
    expect(await refusal((await createOrg(database.db, { plan: "pro", seats: 3 })).id)).toBeNull();
    expect(await refusal((await createOrg(database.db, { plan: "enterprise", status: "canceled" })).id)).toBeNull();
  });
});
