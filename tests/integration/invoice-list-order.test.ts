import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { invoices } from "@/db/schema";
import { listInvoices } from "@/lib/invoices";
import { createTestDatabase } from "../support/db";
import { createOrg, ensurePlans } from "./usage-fixtures";

/**
 * The invoice list, newest first: by when the invoice was created (Stripe's `created`), and
 * invoices created in the same second (a test clock, a plan change and its credit) by number,
 * as numbers count ("-0010" after "-0009"), whatever order our rows were written in.
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await ensurePlans(database.db);
});
afterAll(async () => database?.close());

describe("invoice list order", () => {
  it("puts same-day invoices by creation time, then same-second ones by number", async () => {
    const org = await createOrg(database.db);
    const at = (iso: string) => new Date(iso);
    // Written in a shuffled order, so the row order can't pass for the right one.
    const rows = [
      { number: "AB12-0009", issuedAt: at("2026-12-05T10:00:00Z") },
      { number: "AB12-0011", issuedAt: at("2026-12-05T15:20:07Z") },
      { number: "AB12-0008", issuedAt: at("2026-12-04T23:59:59Z") },
      { number: "AB12-0010", issuedAt: at("2026-12-05T15:20:07Z") },
      { number: "AB12-0012", issuedAt: at("2026-12-05T09:00:00Z") },
    ];
    for (const r of rows) {
      await database.db.insert(invoices).values({
        organizationId: org.id,
        source: "manual",
        number: r.number,
        status: "paid",
        currency: "usd",
        totalCents: 4_900,
        issuedAt: r.issuedAt,
      });
    }
    const { items, total } = await listInvoices(database.db, org.id, { page: 1, pageSize: 10 });
    expect(total).toBe(5);
    expect(items.map((i) => i.number)).toEqual(["AB12-0011", "AB12-0010", "AB12-0009", "AB12-0012", "AB12-0008"]);
    // Pages follow the same order.
    const second = await listInvoices(database.db, org.id, { page: 2, pageSize: 2 });
    expect(second.items.map((i) => i.number)).toEqual(["AB12-0009", "AB12-0012"]);
  });
});
