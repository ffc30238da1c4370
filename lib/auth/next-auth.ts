import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { env } from "@/lib/env";
import { verifyPassword } from "./password";
import { safeRedirectUrl } from "./redirect";
import { readSessionUser, revokeSession, sessionClaims, SESSION_MAX_AGE_SECONDS, type SessionUser } from "./sessions";

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
  }
}

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.")),
  password: z.string().min(1, "Enter your password.").max(200),
});

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

/**
 * What one session read found, passed from the JWT callback back to the caller of
 * `readSession` without going through the session's JSON: the user's fresh row (so the request
 * needs no second read of it) or the error that stopped the check (so a database outage is an
 * error, not a signed-out visitor). Also carries a server-side re-issue of the caller's session.
 */
type SessionRead = { user?: SessionUser; error?: unknown; reissue?: { userId: string; sessionVersion: number } };
const sessionRead = new AsyncLocalStorage<SessionRead>();

/**
 * next-auth v5 with email + password and stateless (JWT) sessions that the server can still
 * revoke: every read checks the user's session version and the signed-out sessions
 * (lib/auth/sessions.ts). Roles and memberships are read fresh on every request.
 */
export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth(() => ({
  secret: env().authSecret,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  logger: {
    // A wrong password is an everyday event, answered on the form; don't log it as an error.
    error(error: Error) {
      if (error.name === "CredentialsSignin" || error instanceof CredentialsSignin) return;
      // A cookie we can't decrypt (tampered, or from another secret) is a signed-out visitor.
      if (error.name === "JWTSessionError") return;
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const db = await getDb();
        const [user] = await db
          .select({
            id: users.id,
            email: users.email,
            name: users.name,
            passwordHash: users.passwordHash,
            sessionVersion: users.sessionVersion,
          })
          .from(users)
          .where(eq(users.email, parsed.data.email))
          .limit(1);
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
        if (!user || !ok) throw new InvalidCredentials();
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user, trigger }) {
      if (user?.id) {
        // Sign-in: a new session under the user's current version.
        return { ...token, uid: user.id, sv: user.sessionVersion ?? 0, sid: randomUUID() };
      }
      const read = sessionRead.getStore();
      const claims = sessionClaims(token);
      if (!claims) return null;
      if (trigger === "update" && read?.reissue) {
        // Only the server can ask for this (the store is not reachable from a request): the
        // caller's own session survives a version raise it made itself (password change).
        if (read.reissue.userId !== claims.uid) return null;
        return { ...token, sv: read.reissue.sessionVersion };
      }
      try {
        const fresh = await readSessionUser(await getDb(), claims);
        if (!fresh) return null;
        if (read) read.user = fresh;
        return token;
      } catch (err) {
        if (read) read.error = err;
        return null;
      }
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
    // Auth.js's own default throws on a callback URL that is not a URL (`\\evil.example`): a 500.
    redirect({ url, baseUrl }) {
      return safeRedirectUrl(url, baseUrl);
    },
  },
  events: {
    async signOut(message) {
      const claims = "token" in message && message.token ? sessionClaims(message.token) : null;
      if (claims) await revokeSession(await getDb(), claims);
    },
  },
}));

/**
 * The signed-in user of a request (by its headers: cookie, host, protocol), or null. Throws
 * when the check itself failed (database unreachable), so that is not mistaken for signed out.
 */
export async function readSession(headers: Headers): Promise<SessionUser | null> {
  const read: SessionRead = {};
  await sessionRead.run(read, async () => {
    // next-auth's request form of auth(): reads the session from these headers, runs the
    // callbacks above, and would set refreshed cookies on `res` (not needed: reads only).
    const request = { headers } as unknown as Request;
    await (auth as unknown as (ctx: { req: Request; res: { headers: Headers } }) => Promise<unknown>)({
      req: request,
      res: { headers: new Headers() },
    });
  });
  if (read.error) throw read.error;
  return read.user ?? null;
}

/**
 * Re-issue the caller's session cookie under a new session version (after `revokeSessions`
 * ended every other session): server actions only, where cookies can be set.
 */
export async function reissueSession(userId: string, sessionVersion: number): Promise<void> {
  await sessionRead.run({ reissue: { userId, sessionVersion } }, () => unstable_update({}));
}
