import "server-only";
import { count, eq, sql } from "drizzle-orm";
import { memberships } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { sharedWithin } from "./shared";

/**
 * Serialise the billing changes of one organization inside a transaction: customer actions,
 * admin actions, webhook processing and resync all take it before they read and write its
 * subscription, dunning or card state, so each runs wholly before or after the others.
 */
export async function lockOrganizationBilling(tx: Queryable, organizationId: string): Promise<void> {
  const shared = sharedWithin(tx);
  if (shared?.locked.has(organizationId)) return; // this transaction holds it already
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billing:${organizationId}`}))`);
  shared?.locked.add(organizationId);
}

export async function memberCount(db: Queryable, organizationId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organizationId));
  return Number(row?.n ?? 0);
}
