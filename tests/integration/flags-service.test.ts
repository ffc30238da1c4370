import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { featureFlags } from "@/db/schema";
import type { Db } from "@/db/types";
import { seedDemo } from "@/demo";
import { DEMO_API_KEY } from "@/demo";
import { AppError } from "@/lib/errors";
import {
  createFlag,
  createFlagReader,
  deleteFlag,
  getFlagOrThrow,
  inRollout,
  listFlags,
  removeFlagOverride,
  setFlagOverride,
  updateFlag,
} from "@/lib/flags";
import { callApi } from "../support/api";
import { createTestDatabase } from "../support/db";
import { auditAfter, lastAuditId, orgIdOf, staffActor, useAsAppDatabase } from "./admin-helpers";

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

async function audited(write: () => Promise<unknown>) {
  const before = await lastAuditId(db);
  await write();
  return auditAfter(db, before);
}

describe("flag administration", () => {
  it("creates, updates and deletes a flag, each with one audit row", async () => {
    const actor = await staffActor(db);
    const created = await audited(() =>
      createFlag(
        db,
        { key: "Bulk-Export", description: "CSV export of runs", rolloutPercent: "10", reason: "beta" },
        actor,
      ),
    );
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      action: "feature_flag.created",
      targetId: "bulk-export",
      details: {
        before: null,
        after: { defaultEnabled: false, rolloutPercent: 10, description: "CSV export of runs" },
        reason: "beta",
      },
    });
    const conflict = await createFlag(db, { key: "bulk-export", reason: "again" }, actor).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(AppError);
    expect((conflict as AppError).status).toBe(409);

    const updated = await audited(() =>
      updateFlag(db, "bulk-export", { rolloutPercent: 60, reason: "wider beta" }, actor),
    );
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      action: "feature_flag.updated",
      details: { before: { rolloutPercent: 10 }, after: { rolloutPercent: 60 } },
    });

    const bad = await audited(() =>
      updateFlag(db, "bulk-export", { rolloutPercent: "101", reason: "oops" }, actor).catch(() => null),
    );
    expect(bad).toEqual([]);

    const acme = await orgIdOf(db, "acme");
    await setFlagOverride(db, "bulk-export", { organization: "acme", enabled: "on", reason: "design partner" }, actor);
    expect((await listFlags(db)).find((f) => f.key === "bulk-export")?.overrides).toBe(1);
    const deleted = await audited(() => deleteFlag(db, "bulk-export", { reason: "shipped to everyone" }, actor));
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({
      action: "feature_flag.deleted",
      details: { before: { rolloutPercent: 60, overrides: 1 }, after: null },
    });
    expect(await createFlagReader(db, { ttlMs: 0 }).isEnabled("bulk-export", acme)).toBe(false);
    await expect(getFlagOrThrow(db, "bulk-export")).rejects.toMatchObject({ code: "not_found" });
  });

  it("lets an override beat the rollout both ways, and removing it restores the rollout", async () => {
    const actor = await staffActor(db);
    const globex = await orgIdOf(db, "globex");
    const umbrella = await orgIdOf(db, "umbrella");
    await createFlag(db, { key: "half", rolloutPercent: 50, reason: "split test" }, actor);
    const reader = createFlagReader(db, { ttlMs: 0 });
    for (const [slug, id] of [
      ["globex", globex],
      ["umbrella", umbrella],
    ] as const) {
      const rolled = inRollout("half", id, 50);
      expect(await reader.isEnabled("half", id)).toBe(rolled);
      const set = await audited(() =>
        setFlagOverride(db, "half", { organization: slug, enabled: !rolled, reason: "support request" }, actor),
      );
      expect(set).toHaveLength(1);
      expect(set[0]).toMatchObject({
        action: "feature_flag.override_set",
        organizationId: id,
        details: { before: null, after: { enabled: !rolled } },
      });
      expect(await reader.isEnabled("half", id)).toBe(!rolled);
      expect((await reader.flagsForOrg(id)).find((d) => d.key === "half")).toEqual({
        key: "half",
        enabled: !rolled,
        source: "override",
      });
      const removed = await audited(() =>
        removeFlagOverride(db, "half", { organization: id, reason: "back to the test" }, actor),
      );
      expect(removed).toHaveLength(1);
      expect(await reader.isEnabled("half", id)).toBe(rolled);
    }
    const missing = await audited(() =>
      removeFlagOverride(db, "half", { organization: "globex", reason: "none left" }, actor).catch(() => null),
    );
    expect(missing).toEqual([]);
    const noOrg = await setFlagOverride(
      db,
      "half",
      { organization: "no-such-org", enabled: true, reason: "typo" },
      actor,
    ).catch((e: unknown) => e);
    expect(noOrg).toMatchObject({ code: "not_found" });
  });
});

describe("the flag reader", () => {
  it("caches for its TTL, then reads the change; a write in this process takes effect at once", async () => {
    const actor = await staffActor(db);
    const acme = await orgIdOf(db, "acme");
    await createFlag(db, { key: "cached", reason: "cache test" }, actor);
    let clock = 1_000_000;
    const reader = createFlagReader(db, { ttlMs: 5_000, now: () => clock });
    expect(await reader.isEnabled("cached", acme)).toBe(false);

    // Another instance changes the flag (a direct write: no in-process notice here).
    await db.update(featureFlags).set({ defaultEnabled: true }).where(eq(featureFlags.key, "cached"));
    expect(await reader.isEnabled("cached", acme)).toBe(false);
    clock += 4_999;
    expect(await reader.isEnabled("cached", acme)).toBe(false);
    clock += 2;
    expect(await reader.isEnabled("cached", acme)).toBe(true);

    // A write through the service in this process drops every reader's cache.
    await updateFlag(db, "cached", { defaultEnabled: false, reason: "off again" }, actor);
    expect(await reader.isEnabled("cached", acme)).toBe(false);
    expect(await reader.isEnabled("no-such-flag", acme)).toBe(false);
  });

  it("answers the flags in force on GET /api/v1/flags", async () => {
    const actor = await staffActor(db);
    await setFlagOverride(
      db,
      "agent-marketplace",
      { organization: "acme", enabled: true, reason: "early access" },
      actor,
    );
    const res = await callApi(
      new Request("http://test.local/api/v1/flags", { headers: { authorization: `Bearer ${DEMO_API_KEY}` } }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.organization.slug).toBe("acme");
    expect(body.flags).toMatchObject({ "agent-marketplace": true, "usage-forecast": true });
    expect(body.details).toContainEqual({ key: "agent-marketplace", enabled: true, source: "override" });

    const anonymous = await callApi(new Request("http://test.local/api/v1/flags"));
    expect(anonymous.status).toBe(401);
  });
});
