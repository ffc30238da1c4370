ALTER TABLE "subscriptions" ADD COLUMN "usage_periods_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "usage_counters" ADD COLUMN "carried" bigint DEFAULT 0 NOT NULL;