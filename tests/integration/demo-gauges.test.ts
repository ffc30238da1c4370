import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { organizations } from "@/db/schema";
import { seedDemo } from "@/demo";
import { DEMO_ORGS } from "@/demo/data";
import { getBillingDashboard } from "@/lib/usage/trends";
import { createTestDatabase } from "../support/db";

/**
 * The demo's gauges (agents, gateways, storage) end on the values demo/data.ts gives, whatever
 * the time of day the seed runs: the README, the screenshots and the e2e specs quote them.
 * Seeded before noon UTC, the last gauge report used to be yesterday's, one step short
 * (Acme showed 37.8 GB of storage instead of 38 GB until noon).
 */

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe.each(["2026-12-06T03:00:00Z", "2026-12-06T00:00:30Z", "2026-12-06T15:00:00Z"])("seeded at %s", (at) => {
  it("every organization's latest agents, gateways and storage are the data's end values", async () => {
    const now = new Date(at);
    database = await createTestDatabase();
    await seedDemo(database.db, now);
    const orgs = await database.db.select({ id: organizations.id, slug: organizations.slug }).from(organizations);
    for (const o of DEMO_ORGS) {
      const id = orgs.find((r) => r.slug === o.slug)!.id;
      const d = await getBillingDashboard(database.db, id, { days: 30, now });
      const used = (metric: string) => d.overview.metrics.find((m) => m.metric === metric)!.used;
      expect({
        slug: o.slug,
        agents: used("agents"),
        gateways: used("gateways"),
        storage: used("storage_bytes"),
      }).toEqual({
        slug: o.slug,
        agents: o.usage.agents[1],
        gateways: o.usage.gateways[1],
        storage: Math.round(o.usage.storageGb[1] * 1_000_000_000),
      });
    }
  }, 180_000);
});
