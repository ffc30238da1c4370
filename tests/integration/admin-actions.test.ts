import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { rowsOf, type Db } from "@/db/types";
import { apiKeys, organizations, subscriptions } from "@/db/schema";
import { seedDemo } from "@/demo";
import {
  extendTrial,
  reactivateOrganization,
  removeLimitOverride,
  revokeOrganizationApiKey,
  setLimitOverride,
  suspendOrganization,
} from "@/lib/admin";
import { DEMO_API_KEY } from "@/demo";
import { authenticateApiKey, createApiKey } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { AppError, suspensionMessage } from "@/lib/errors";
import { getUsageOverview } from "@/lib/usage/summary";
import { adminSetEnterpriseTerms } from "@/lib/admin";
import { localSubscription, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { auditAfter, expectOneAuditRow, lastAuditId, orgIdOf, staffActor, useAsAppDatabase } from "./admin-helpers";

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await seedDemo(db);
  useAsAppDatabase(database);
});
afterAll(async () => {
  await database?.close();
});

async function expectNothingWritten(write: () => Promise<unknown>, code: string) {
  const before = await lastAuditId(db);
  const err = await write().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect(await auditAfter(db, before)).toEqual([]);
  return err as AppError;
}

function post(path: string, key: string, body: unknown) {
  return callApi(
    new Request(`http://test.local${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}
const limitCheck = (key: string) => post("/api/v1/limits/check", key, { metric: "agents", amount: 1 });
const ingest = (key: string, id: string) =>
  post("/api/v1/usage/events", key, {
    events: [{ idempotency_key: id, metric: "executions", quantity: 1, occurred_at: new Date().toISOString() }],
  });

function callFlags(key: string) {
  return callApi(new Request("http://test.local/api/v1/flags", { headers: { authorization: `Bearer ${key}` } }));
}

describe("limit overrides", () => {
  it("override one limit, show in the customer's effective limits, and write one audit row", async () => {
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    const { row } = await expectOneAuditRow(
      db,
      { organizationId: umbrella },
      "subscription.limit_override_set",
      actor,
      () => setLimitOverride(db, umbrella, { key: "maxAgents", value: 25, reason: "pilot of the agent pack" }, actor),
    );
    expect(row).toMatchObject({
      action: "subscription.limit_override_set",
      actorUserId: actor.id,
      actorLabel: actor.email,
      organizationId: umbrella,
      targetType: "subscription",
      details: {
        limit: "maxAgents",
        before: { limitOverrides: {} },
        after: { limitOverrides: { maxAgents: 25 } },
        reason: "pilot of the agent pack",
      },
    });
    const overview = await getUsageOverview(db, umbrella);
    expect(overview.limits.maxAgents).toBe(25);
    expect(overview.metrics.find((m) => m.metric === "agents")?.limit).toBe(25);
  });

  it("lift a limit with null (unlimited), then remove the override", async () => {
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    const set = await expectOneAuditRow(
      db,
      { organizationId: umbrella },
      "subscription.limit_override_set",
      actor,
      () =>
        setLimitOverride(db, umbrella, { key: "maxGateways", value: null, reason: "unlimited gateways trial" }, actor),
    );
    expect(set.row.details).toMatchObject({
      after: { limitOverrides: { maxGateways: null } },
      reason: "unlimited gateways trial",
    });
    expect((await getUsageOverview(db, umbrella)).limits.maxGateways).toBeNull();
    const removed = await expectOneAuditRow(
      db,
      { organizationId: umbrella },
      "subscription.limit_override_removed",
      actor,
      () => removeLimitOverride(db, umbrella, { key: "maxGateways", reason: "trial over" }, actor),
    );
    expect(removed.row).toMatchObject({
      details: {
        before: { limitOverrides: { maxAgents: 25, maxGateways: null } },
        after: { limitOverrides: { maxAgents: 25 } },
        reason: "trial over",
      },
    });
    expect((await getUsageOverview(db, umbrella)).limits.maxGateways).toBe(1);
  });

  it("refuse bad input and a missing override without writing anything", async () => {
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    const err = await expectNothingWritten(
      () => setLimitOverride(db, umbrella, { key: "maxAgents", value: -3, reason: "x" }, actor),
      "bad_request",
    );
    expect(err.message).toMatch(/can't be negative/);
    expect(err.message).toMatch(/reason/);
    await expectNothingWritten(
      () => setLimitOverride(db, umbrella, { key: "maxSeats" as "maxAgents", value: 3, reason: "typo key" }, actor),
      "bad_request",
    );
    await expectNothingWritten(
      () => removeLimitOverride(db, umbrella, { key: "maxUsers", reason: "nothing to remove" }, actor),
      "not_found",
    );
    await expectNothingWritten(
      () => setLimitOverride(db, "not-a-uuid", { key: "maxAgents", value: 3, reason: "no such org" }, actor),
      "not_found",
    );
  });
});

describe("Enterprise terms (the console's path: the Stripe-backed billing service)", () => {
  let env: BillingEnv;
  beforeAll(async () => {
    env = await startBillingEnv();
  });
  afterAll(async () => {
    await env?.stop();
    useAsAppDatabase(database); // the billing environment took the app's database slot
  });

  it("put an organization on Enterprise, then renew its terms: one audit row each, with before, after and the reason", async () => {
    const { org, actor } = await makeOrg(env.database, { members: 2 });
    const args = [env.database.db, env.stripe] as const;
    const first = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.enterprise_terms_set",
      actor,
      () =>
        adminSetEnterpriseTerms(
          ...args,
          org.id,
          {
            cycle: "annual",
            pricePerSeatCents: 42_000,
            limits: { maxAgents: 500, maxGateways: 50 },
            reason: "contract signed",
          },
          actor,
        ),
    );
    expect(first.row).toMatchObject({
      actorUserId: actor.id,
      details: {
        before: { plan: "free", cycle: "monthly", customPricePerSeatCents: null },
        after: {
          plan: "enterprise",
          cycle: "annual",
          pricePerSeatCents: 42_000,
          limits: { maxAgents: 500, maxGateways: 50 },
          seats: 2,
        },
        reason: "contract signed",
      },
    });
    await env.settle();
    const renewed = await expectOneAuditRow(
      env.database.db,
      { organizationId: org.id },
      "subscription.enterprise_terms_set",
      actor,
      () =>
        adminSetEnterpriseTerms(
          ...args,
          org.id,
          {
            cycle: "annual",
            pricePerSeatCents: 39_900,
            limits: {
              maxUsers: null,
              maxAgents: 800,
              maxExecutionsPerMonth: 3_000_000,
              maxStorageGb: 2_500,
              maxGateways: 60,
            },
            reason: "renewal signed 2026",
          },
          actor,
        ),
    );
    expect(renewed.row.details).toMatchObject({
      before: { plan: "enterprise", cycle: "annual", customPricePerSeatCents: 42_000 },
      after: { pricePerSeatCents: 39_900, limits: { maxAgents: 800, maxUsers: null, maxGateways: 60 } },
      reason: "renewal signed 2026",
    });
    expect(await localSubscription(env.database, org.id)).toMatchObject({
      planId: "enterprise",
      maxAgents: 800,
      maxExecutionsPerMonth: 3_000_000,
      customPricePerSeatCents: 39_900,
    });
    await env.settle();
  });

  it("refuse bad terms or a missing reason without writing anything", async () => {
    const { org, actor } = await makeOrg(env.database);
    const args = [env.database.db, env.stripe] as const;
    const before = await lastAuditId(env.database.db);
    await expect(
      adminSetEnterpriseTerms(...args, org.id, { cycle: "annual", pricePerSeatCents: -5, reason: "negative" }, actor),
    ).rejects.toThrow();
    await expect(
      adminSetEnterpriseTerms(...args, org.id, { cycle: "annual", pricePerSeatCents: 100 }, actor),
    ).rejects.toThrow(/reason/);
    expect(await auditAfter(env.database.db, before)).toEqual([]);
    expect(await localSubscription(env.database, org.id)).toMatchObject({ planId: "free" });
  });
});

describe("trials", () => {
  it("extend a running trial from its end, and refuse when there is none", async () => {
    const actor = await staffActor(db);
    const hooli = await orgIdOf(db, "hooli");
    await expectNothingWritten(
      () => extendTrial(db, hooli, { days: 7, reason: "no trial here" }, actor),
      "unprocessable",
    );
    const now = new Date("2026-05-01T00:00:00Z");
    const end = new Date("2026-05-10T00:00:00Z");
    await db
      .update(subscriptions)
      .set({ status: "trialing", trialEnd: end })
      .where(eq(subscriptions.organizationId, hooli));
    const { row } = await expectOneAuditRow(db, { organizationId: hooli }, "subscription.trial_extended", actor, () =>
      extendTrial(db, hooli, { days: 14, reason: "sales asked for two more weeks" }, actor, now),
    );
    expect(row).toMatchObject({
      details: {
        days: 14,
        before: { trialEnd: end.toISOString() },
        after: { trialEnd: "2026-05-24T00:00:00.000Z" },
        reason: "sales asked for two more weeks",
      },
    });
    await db
      .update(subscriptions)
      .set({ status: "past_due", trialEnd: null })
      .where(eq(subscriptions.organizationId, hooli));
  });
});

describe("suspension", () => {
  it("suspends one organization: its API keys get 403 with the reason, others still work", async () => {
    const actor = await staffActor(db);
    const acme = await orgIdOf(db, "acme");
    const globex = await orgIdOf(db, "globex");
    const { key: globexKey } = await createApiKey(db, { organizationId: globex, name: "test", actor });

    expect((await callFlags(DEMO_API_KEY)).status).toBe(200);
    const { row } = await expectOneAuditRow(db, { organizationId: acme }, "organization.suspended", actor, () =>
      suspendOrganization(db, acme, { reason: "Chargeback under review" }, actor),
    );
    expect(row).toMatchObject({
      targetId: acme,
      details: {
        before: { status: "active" },
        after: { status: "suspended", suspendedReason: "Chargeback under review" },
        reason: "Chargeback under review",
      },
    });

    // The key still authenticates (so the answer can say why), and the wrapper refuses it.
    expect((await authenticateApiKey(db, DEMO_API_KEY)).organization.status).toBe("suspended");
    const refused = await callFlags(DEMO_API_KEY);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: "suspended",
        // The one sentence the organization's pages show too (lib/errors).
        message: suspensionMessage(
          { name: "Acme Robotics", suspendedReason: "Chargeback under review" },
          env().seller.email,
        ),
      },
    });
    const other = await callFlags(globexKey);
    expect(other.status).toBe(200);
    expect((await other.json()).organization.slug).toBe("globex");
    // Ingest and limit checks: refused for Acme with the reason, and nothing ingested; Globex unaffected.
    const refusedIngest = await ingest(DEMO_API_KEY, "suspended-1");
    expect(refusedIngest.status).toBe(403);
    expect((await refusedIngest.json()).error.message).toContain("Chargeback under review");
    expect((await limitCheck(DEMO_API_KEY)).status).toBe(403);
    expect((await ingest(globexKey, "globex-ok-1")).status).toBe(200);
    expect((await limitCheck(globexKey)).status).toBe(200);
    const stored = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from usage_events where idempotency_key = 'suspended-1'`),
    );
    expect(Number(stored[0]?.n)).toBe(0);

    // Data stays.
    const [org] = await db.select().from(organizations).where(eq(organizations.id, acme));
    expect(org?.name).toBe("Acme Robotics");

    await expectNothingWritten(() => suspendOrganization(db, acme, { reason: "again" }, actor), "conflict");
    const back = await expectOneAuditRow(db, { organizationId: acme }, "organization.reactivated", actor, () =>
      reactivateOrganization(db, acme, { reason: "Chargeback resolved" }, actor),
    );
    expect(back.row).toMatchObject({
      details: {
        before: { status: "suspended" },
        after: { status: "active", suspendedReason: null },
        reason: "Chargeback resolved",
      },
    });
    expect((await callFlags(DEMO_API_KEY)).status).toBe(200);
    expect((await ingest(DEMO_API_KEY, "reactivated-1")).status).toBe(200);
    await expectNothingWritten(() => reactivateOrganization(db, acme, { reason: "again" }, actor), "conflict");
  });

  it("needs a reason", async () => {
    const actor = await staffActor(db);
    const globex = await orgIdOf(db, "globex");
    const err = await expectNothingWritten(
      () => suspendOrganization(db, globex, { reason: " " }, actor),
      "bad_request",
    );
    expect(err.message).toMatch(/Give a reason/);
  });
});

describe("API keys", () => {
  it("revoke an organization's key with one audit row; the key then gets 401", async () => {
    const actor = await staffActor(db);
    const umbrella = await orgIdOf(db, "umbrella");
    const acme = await orgIdOf(db, "acme");
    const { key, item } = await createApiKey(db, { organizationId: umbrella, name: "ci", actor });
    expect((await callFlags(key)).status).toBe(200);
    // Another organization's id cannot reach this key.
    await expectNothingWritten(
      () => revokeOrganizationApiKey(db, acme, { apiKeyId: item.id, reason: "wrong org" }, actor),
      "not_found",
    );
    const { row: revoked } = await expectOneAuditRow(db, { organizationId: umbrella }, "api_key.revoked", actor, () =>
      revokeOrganizationApiKey(db, umbrella, { apiKeyId: item.id, reason: "key leaked in a public repo" }, actor),
    );
    expect(revoked).toMatchObject({
      targetId: item.id,
      organizationId: umbrella,
      details: {
        prefix: item.prefix,
        before: { revokedAt: null },
        after: { revokedAt: expect.any(String) },
        reason: "key leaked in a public repo",
      },
    });
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, item.id));
    expect(row?.revokedAt).not.toBeNull();
    expect((await callFlags(key)).status).toBe(401);
    await expectNothingWritten(
      () => revokeOrganizationApiKey(db, umbrella, { apiKeyId: item.id, reason: "twice" }, actor),
      "not_found",
    );
  });
});
