import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { jobStatus } from "./enums";
import { organizations, users } from "./orgs";

export const featureFlags = pgTable("feature_flags", {
  key: text().primaryKey(),
  description: text().notNull().default(""),
  defaultEnabled: boolean().notNull().default(false),
  /** 0–100: the share of organizations (stable per organization) that get the flag on. */
  rolloutPercent: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const featureFlagOverrides = pgTable(
  "feature_flag_overrides",
  {
    flagKey: text()
      .notNull()
      .references(() => featureFlags.key, { onDelete: "cascade", onUpdate: "cascade" }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    enabled: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.flagKey, t.organizationId] }),
    index("feature_flag_overrides_org_idx").on(t.organizationId),
  ],
);

/** Every admin and billing mutation. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** null when the system acted (a webhook, a job). */
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorLabel: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "set null" }),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.organizationId, t.createdAt),
    index("audit_log_created_idx").on(t.createdAt),
    index("audit_log_action_idx").on(t.action),
    index("audit_log_actor_idx").on(t.actorUserId),
  ],
);

/** Runs of background jobs (reconciliation, period close), for the health page. */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    job: text().notNull(),
    status: jobStatus().notNull().default("running"),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    error: text(),
  },
  (t) => [index("job_runs_job_started_idx").on(t.job, t.startedAt)],
);

/**
 * The state of each scheduled job (lib/jobs), shared by every instance: when it last started,
 * finished and succeeded, how its last run ended, and how often it is expected to run, so any
 * instance runs it only when due and the health page can tell a job that is late or failing.
 */
export const jobState = pgTable("job_state", {
  name: text().primaryKey(),
  everyMs: integer().notNull(),
  lateAfterMs: integer().notNull(),
  lastStartedAt: timestamp({ withTimezone: true }),
  lastFinishedAt: timestamp({ withTimezone: true }),
  lastSuccessAt: timestamp({ withTimezone: true }),
  lastStatus: jobStatus(),
  lastDurationMs: integer(),
  /** A sentence a person understands; the technical detail beside it. */
  lastError: text(),
  lastErrorDetail: text(),
  consecutiveFailures: integer().notNull().default(0),
  lastResult: jsonb().$type<Record<string, unknown>>(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type FeatureFlag = typeof featureFlags.$inferSelect;
export type FeatureFlagOverride = typeof featureFlagOverrides.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
export type JobRun = typeof jobRuns.$inferSelect;
export type JobStateRow = typeof jobState.$inferSelect;
