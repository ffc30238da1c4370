import "server-only";
import { eq, lt, sql } from "drizzle-orm";
import { authRevokedSessions, users } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { isUuid } from "@/lib/input";

/**
 * Server-side session revocation for stateless (JWT) sessions.
 *
 * A session token carries the user id, the user's `session_version` when it was issued and a
 * random session id. Every read of a session (lib/auth/next-auth.ts, the JWT callback) checks,
 * in one indexed query, that the user still exists, that the version still matches and that
 * this session id was not signed out. So:
 * - signing out remembers the session id (`revokeSession`): that cookie stops working at once,
 *   even a copy taken before;
 * - raising the version (`revokeSessions`) ends every session of the user: "sign out everywhere",
 *   a password change (which then re-issues the caller's own session), a password reset.
 */

/** How long a session lives without being used (the cookie's and the token's lifetime). */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 7;

export type SessionClaims = { uid: string; sv: number; sid: string };

export type SessionUser = { id: string; email: string; name: string; isPlatformAdmin: boolean; sessionVersion: number };

/** The claims of a decoded token, or null when it lacks any (tokens from before revocation existed). */
export function sessionClaims(token: Record<string, unknown>): SessionClaims | null {
  const { uid, sv, sid } = token;
  if (typeof uid !== "string" || !isUuid(uid)) return null;
  if (typeof sid !== "string" || !isUuid(sid)) return null;
  if (typeof sv !== "number" || !Number.isSafeInteger(sv)) return null;
  return { uid, sv, sid };
}

/**
 * The user of a live session, or null when the session was revoked (signed out, version raised,
 * user deleted). One round trip: the user's row by primary key and the revocation by primary key.
 */
export async function readSessionUser(db: Queryable, claims: SessionClaims): Promise<SessionUser | null> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isPlatformAdmin: users.isPlatformAdmin,
      sessionVersion: users.sessionVersion,
      revoked: sql<boolean>`exists (select 1 from ${authRevokedSessions} where ${authRevokedSessions.sessionId} = ${claims.sid})`,
    })
    .from(users)
    .where(eq(users.id, claims.uid))
    .limit(1);
  if (!row || row.revoked || row.sessionVersion !== claims.sv) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isPlatformAdmin: row.isPlatformAdmin,
    sessionVersion: row.sessionVersion,
  };
}

/** End one session (sign-out). Idempotent; also forgets revocations whose tokens have expired. */
export async function revokeSession(db: Queryable, claims: SessionClaims, now = new Date()): Promise<void> {
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  // Through the user's row, so a session of a user deleted meanwhile is simply nothing to do.
  await db.execute(sql`
    insert into ${authRevokedSessions} (session_id, user_id, revoked_at, expires_at)
    select ${claims.sid}::uuid, ${users.id}, ${now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz
    from ${users} where ${users.id} = ${claims.uid}
    on conflict (session_id) do nothing`);
  await db.delete(authRevokedSessions).where(lt(authRevokedSessions.expiresAt, now));
}

/**
 * End every session of a user (sign out everywhere, password change, password reset).
 * Answers the new session version, for re-issuing the caller's own session when it should survive.
 */
export async function revokeSessions(db: Queryable, userId: string): Promise<number> {
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ sessionVersion: users.sessionVersion });
  if (!row) throw new Error(`revokeSessions: no user ${userId}`);
  return row.sessionVersion;
}
