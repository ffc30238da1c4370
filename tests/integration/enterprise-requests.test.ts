import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ZodError } from "zod";
import type { Database } from "@/db/connect";
import { auditLog, enterpriseRequests, organizations, users } from "@/db/schema";
import { userActor } from "@/lib/audit";
import { createEnterpriseRequest, listEnterpriseRequests } from "@/lib/orgs/enterprise-requests";
import { createTestDatabase } from "../support/db";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.close());

async function org() {
  const slug = `ent-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const [o] = await database.db
    .insert(organizations)
    .values({ slug, name: `Org ${slug}` })
    .returning();
  const [u] = await database.db
    .insert(users)
    .values({ email: `owner@${slug}.test`, name: "Owner" })
    .returning();
  return { org: o!, actor: userActor(u!) };
}

describe("Enterprise contact requests", () => {
  it("records the request for platform admins, with an audit row, and lists it newest first", async () => {
    const { org: o, actor } = await org();
    const row = await createEnterpriseRequest(database.db, {
      organizationId: o.id,
      actor,
      request: {
        contactEmail: " Buyer@Example.TEST ",
        expectedSeats: 40,
        message: "  About 40 people and invoicing by bank transfer.  ",
      },
    });
    expect(row).toMatchObject({ contactEmail: "buyer@example.test", expectedSeats: 40, status: "open" });
    const [stored] = await database.db.select().from(enterpriseRequests).where(eq(enterpriseRequests.id, row.id));
    expect(stored).toMatchObject({
      organizationId: o.id,
      requestedByUserId: actor.id,
      message: "About 40 people and invoicing by bank transfer.",
    });
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, o.id), eq(auditLog.action, "enterprise.requested")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      targetId: row.id,
      actorUserId: actor.id,
      details: { contactEmail: "buyer@example.test", expectedSeats: 40 },
    });

    await createEnterpriseRequest(database.db, {
      organizationId: o.id,
      actor,
      request: { contactEmail: "b@example.test", expectedSeats: 5, message: "A second, later request." },
    });
    const listed = await listEnterpriseRequests(database.db, o.id);
    expect(listed.map((r) => r.contactEmail)).toEqual(["b@example.test", "buyer@example.test"]);
  });

  it("refuses a form that doesn't say enough, writing nothing", async () => {
    const { org: o, actor } = await org();
    const attempt = createEnterpriseRequest(database.db, {
      organizationId: o.id,
      actor,
      request: { contactEmail: "nope", expectedSeats: 0, message: "short" },
    });
    await expect(attempt).rejects.toThrow(/valid email/);
    const err = (await attempt.catch((e: unknown) => e)) as ZodError;
    expect(err).toBeInstanceOf(ZodError);
    expect(err.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "contactEmail: Enter a valid email address.",
      "expectedSeats: Enter how many people will use it (at least 1).",
      "message: Tell us a little about what you need (at least 10 characters).",
    ]);
    expect(await listEnterpriseRequests(database.db, o.id)).toEqual([]);
  });
});
