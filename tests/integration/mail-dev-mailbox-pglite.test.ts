import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "@/db/connect";
import { devMailbox, memberships, organizations, outbox, users } from "@/db/schema";
import { devMailboxTransport, drainOutbox, enqueueMail } from "@/lib/mail";

/**
 * `npm run dev` on a fresh machine: embedded PGlite (one connection) and the development mailbox.
 * The outbox worker claims a message inside a transaction; the mailbox must be written through
 * that transaction. Written through the outer handle, it waited forever for the connection the
 * transaction held, and with it every later query of the app (health, API, pages) hung.
 */
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ pgliteDir: "memory://" });
  await database.migrate();
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe("the development mailbox on embedded PGlite", () => {
  it("delivers an outbox message into /dev/mail's table, and the database answers afterwards", async () => {
    const db = database.db;
    const [o] = await db.insert(organizations).values({ slug: "devmail", name: "Dev Mail" }).returning();
    const [u] = await db.insert(users).values({ email: "owner@devmail.test", name: "Owner" }).returning();
    await db.insert(memberships).values({ organizationId: o!.id, userId: u!.id, role: "owner" });
    await enqueueMail(db, {
      kind: "usage_alert",
      organizationId: o!.id,
      payload: { metric: "executions", thresholdPercent: 80, used: 8_000, limit: 10_000 },
    });

    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the outbox worker hung on PGlite")), 20_000),
    );
    const result = await Promise.race([drainOutbox(db, { transport: devMailboxTransport(db) }), timeout]);
    expect(result.sent).toBe(1);

    const [row] = await db.select().from(outbox).where(eq(outbox.organizationId, o!.id));
    expect(row!.status).toBe("sent");
    const mails = await db.select().from(devMailbox);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toContain("owner@devmail.test");
  }, 60_000);
});
