import "server-only";
import { and, eq } from "drizzle-orm";
import { userTokens, type UserTokenPurpose } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { hashToken } from "@/lib/orgs";

/** Use up a link's token (locked, so two uses queue and the second finds it used): its row, or null when dead. */
export async function takeToken(tx: Queryable, token: string, purpose: UserTokenPurpose, now: Date) {
  const [row] = await tx
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.purpose, purpose)))
    .for("update");
  if (!row || row.usedAt || row.expiresAt <= now) return null;
  await tx.update(userTokens).set({ usedAt: now }).where(eq(userTokens.id, row.id));
  return row;
}
