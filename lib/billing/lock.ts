import "server-only";
import { count, eq, sql } from "drizzle-orm";
import { memberships } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { sharedWithin } from "./shared";
import { statement } from "./statements";

/**
 * Serialise the billing changes of one organization inside a transaction: customer actions,
 * admin actions, webhook processing and resync all take it before they read and write its
 * subscription, dunning or card state, so each runs wholly before or after the others.
 */
export async function lockOrganizationBilling(tx: Queryable, organizationId: string): Promise<void> {
  const shared = sharedWithin(tx);
  if (shared?.locked.has(organizationId)) return; // this transaction holds it already
  await takeLock(tx, { key: `billing:${organizationId}` });
  shared?.locked.add(organizationId);
}

const takeLock = statement(
  "billing_lock",
  () => sql`select pg_advisory_xact_lock(hashtext(${sql.placeholder("key")}))`,
);

/**
 * Take the organization's billing lock and read what must be read under it, in one round trip:
 * both statements are sent at once, the lock first. PostgreSQL runs a connection's statements
 * one after the other, so the read starts (and takes its snapshot) once the lock is held, and
 * sees every change committed under it before. `read` must send its statement at once, through
 * lib/billing's `statement` (the same path as the lock's, so the driver gets them in this order).
 */
export async function lockedRead<T>(tx: Queryable, organizationId: string, read: () => Promise<T>): Promise<T> {
  const shared = sharedWithin(tx);
  if (shared?.locked.has(organizationId)) return read();
  const settled = await Promise.allSettled([takeLock(tx, { key: `billing:${organizationId}` }), read()]);
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  shared?.locked.add(organizationId);
  return (settled[1] as PromiseFulfilledResult<T>).value;
}

export async function memberCount(db: Queryable, organizationId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId));
  return Number(row?.n ?? 0);
}
