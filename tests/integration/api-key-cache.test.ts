import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/db/connect";
import { suspendOrganization, reactivateOrganization } from "@/lib/admin";
import { listenForApiKeyChanges } from "@/lib/auth/api-key-cache";
import { authenticateApiKey, cachedApiKeyCaller, revokeApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * The cached API-key lookup: a revoked key or a suspended organization is refused at once, on
 * this instance and on another instance of the app on the same database (LISTEN/NOTIFY).
 */

let a: Database & { url: string | null };
let b: Database | null = null;
const system = { kind: "system" as const, label: "test" };

beforeAll(async () => {
  a = await createTestDatabase();
  await ensurePlans(a.db);
  await listenForApiKeyChanges(a);
  if (a.url) {
    b = await openDatabase({ url: a.url, max: 2 });
    await listenForApiKeyChanges(b);
  }
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const refused = (db: Database["db"], key: string) =>
  authenticateApiKey(db, key).then(
    () => null,
    (e: unknown) => e,
  );

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("not within 5 s");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("API-key cache", () => {
  it("serves repeated lookups from memory and refuses a revoked key at once", async () => {
    const org = await createOrg(a.db);
    expect((await authenticateApiKey(a.db, org.key)).organization.id).toBe(org.id);
    if (b) expect((await authenticateApiKey(b.db, org.key)).organization.id).toBe(org.id);
    await revokeApiKey(a.db, { organizationId: org.id, apiKeyId: org.apiKeyId, actor: system });
    // This instance: at once.
    expect(await refused(a.db, org.key)).toMatchObject({ code: "unauthenticated" });
    // The other instance: as soon as the notification arrives.
    if (b) await eventually(async () => (await refused(b!.db, org.key)) instanceof AppError);
  });

  it("answers without waiting only for a cached, unrevoked key whose use was just recorded (the API's hot path)", async () => {
    const org = await createOrg(a.db);
    // Not looked up yet, malformed or unknown: not known here (the caller asks authenticateApiKey).
    expect(cachedApiKeyCaller(a.db, org.key)).toBeUndefined();
    for (const bad of [undefined, null, "", "Bearer x", "agb_unknown", `agb_${"x".repeat(300)}`])
      expect(cachedApiKeyCaller(a.db, bad)).toBeUndefined();
    const caller = await authenticateApiKey(a.db, org.key);
    expect(cachedApiKeyCaller(a.db, org.key)).toEqual(caller);
    // Suspension is the API's to refuse: the cached answer carries the status, as authenticateApiKey's does.
    await suspendOrganization(a.db, org.id, { reason: "unpaid invoices for three months" }, system);
    expect(cachedApiKeyCaller(a.db, org.key)).toBeUndefined();
    expect((await authenticateApiKey(a.db, org.key)).organization.status).toBe("suspended");
    // The suspension's NOTIFY may drop the entry again after that lookup cached it: look up until it stays.
    await eventually(
      async () =>
        (await authenticateApiKey(a.db, org.key)).organization.status === "suspended" &&
        cachedApiKeyCaller(a.db, org.key)?.organization.status === "suspended",
    );
    await revokeApiKey(a.db, { organizationId: org.id, apiKeyId: org.apiKeyId, actor: system });
    expect(cachedApiKeyCaller(a.db, org.key)).toBeUndefined();
    expect(await refused(a.db, org.key)).toMatchObject({ code: "unauthenticated" });
    expect(cachedApiKeyCaller(a.db, org.key)).toBeUndefined();
  });

  it("refuses a suspended organization's cached key at once, and accepts it again after reactivation", async () => {
    const org = await createOrg(a.db);
    expect((await authenticateApiKey(a.db, org.key)).organization.status).toBe("active");
    if (b) expect((await authenticateApiKey(b.db, org.key)).organization.status).toBe("active");
    await suspendOrganization(a.db, org.id, { reason: "unpaid invoices for three months" }, system);
    expect((await authenticateApiKey(a.db, org.key)).organization.status).toBe("suspended");
    if (b) await eventually(async () => (await authenticateApiKey(b!.db, org.key)).organization.status === "suspended");
    await reactivateOrganization(a.db, org.id, { reason: "paid in full, thank you" }, system);
    expect((await authenticateApiKey(a.db, org.key)).organization.status).toBe("active");
    if (b) await eventually(async () => (await authenticateApiKey(b!.db, org.key)).organization.status === "active");
  });
});
