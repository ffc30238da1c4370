import { index, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
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
