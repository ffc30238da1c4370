import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./orgs";

/**
 * Sessions signed out one by one. A session cookie is a signed token we cannot recall, so its id
 * is remembered here until the token could no longer be valid anyway (`expires_at`), and every
 * request reads this table by primary key together with the user's row (lib/auth/sessions.ts).
 */
export const authRevokedSessions = pgTable(
  "auth_revoked_sessions",
  {
    sessionId: uuid().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    revokedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("auth_revoked_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Sign-in attempts per key (a hashed email, or a hashed client address) in a fixed window,
 * shared by every app instance. Rows of windows that have passed are deleted as new ones come.
 */
export const signInThrottle = pgTable(
  "sign_in_throttle",
  {
    /** sha256 of `email:<address>` or `client:<ip>`: no email addresses at rest here. */
    key: text().primaryKey(),
    attempts: integer().notNull().default(0),
    windowStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sign_in_throttle_window_idx").on(t.windowStartedAt)],
);
