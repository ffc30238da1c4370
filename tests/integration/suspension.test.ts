import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { apiKeys } from "@/db/schema";
import { seedDemo } from "@/demo";
import { reactivateOrganization, suspendOrganization } from "@/lib/admin";
import { createApiKey } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { suspensionMessage } from "@/lib/errors";
import { createTestDatabase } from "../support/db";
import { orgIdOf, staffActor } from "./admin-helpers";

/** A suspended organization can't create API keys (they would be refused), and is told why and what to do. */

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db);
});
afterAll(async () => database?.close());

describe("suspension", () => {
  it("refuses API key creation with the suspension's sentence, writing nothing; allows it again once reactivated", async () => {
    const db = database.db;
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    await suspendOrganization(db, umbrella, { reason: "Unpaid invoices since October." }, actor);
    const before = await db.select().from(apiKeys).where(eq(apiKeys.organizationId, umbrella));
    const sentence = suspensionMessage(
      { name: "Umbrella Labs", suspendedReason: "Unpaid invoices since October." },
      env().seller.email,
    );
    expect(sentence).toBe(
      `Umbrella Labs is suspended: Unpaid invoices since October. Its API keys are refused and new keys can't be created until it is reactivated; nothing is deleted. Write to ${env().seller.email} to resolve it.`,
    );
    await expect(createApiKey(db, { organizationId: umbrella, name: "ci", actor })).rejects.toMatchObject({
      code: "suspended",
      status: 403,
      message: sentence,
    });
    expect(await db.select().from(apiKeys).where(eq(apiKeys.organizationId, umbrella))).toEqual(before);

    await reactivateOrganization(db, umbrella, { reason: "Paid" }, actor);
    const { item } = await createApiKey(db, { organizationId: umbrella, name: "ci", actor });
    expect(item.name).toBe("ci");
  });

  it("says what to do even without a recorded reason", () => {
    expect(suspensionMessage({ name: "Hooli", suspendedReason: null }, "help@example.com")).toBe(
      "Hooli is suspended. Its API keys are refused and new keys can't be created until it is reactivated; nothing is deleted. Write to help@example.com to resolve it.",
    );
  });
});
